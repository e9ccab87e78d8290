"""The words of the exercise workbooks, the grades workbook and the feedback, in English and Chinese."""

from __future__ import annotations

from .methods import AS_OF

T = dict[str, str]

WORDS: dict[str, T] = {
    "instructions": {"en": "Instructions", "zh": "说明"},
    "data": {"en": "Data", "zh": "数据"},
    "thresholds": {"en": "Thresholds", "zh": "阈值"},
    "answer": {"en": "Your answer (tier)", "zh": "你的答案（层级）"},
    "no": {"en": "No.", "zh": "序号"},
    "question": {"en": "Threshold", "zh": "阈值"},
    "your_value": {"en": "Your value", "zh": "你的数值"},
    "unit": {"en": "Unit", "zh": "单位"},
    "tier": {"en": "Tier", "zh": "层级"},
    "rule": {"en": "Rule", "zh": "规则"},
    "student": {"en": "Student", "zh": "学生"},
    "exercise": {"en": "Exercise", "zh": "练习"},
    "as_of": {"en": "As of (today)", "zh": "截止日期（今天）"},
    "dv_title": {"en": "Tier", "zh": "层级"},
    "dv_error": {"en": "Pick a tier name from the list.", "zh": "请从列表中选择层级名称。"},
    "dv_prompt": {"en": "Pick the tier of this customer.", "zh": "选择该客户的层级。"},
}

TITLES: dict[str, T] = {
    "abc": {"en": "ABC classification (Pareto 80/20)", "zh": "ABC客户分类（80/20法则）"},
    "rfm": {"en": "RFM segments", "zh": "RFM客户细分"},
    "value": {"en": "Customer value tiers", "zh": "客户价值分层"},
    "lifecycle": {"en": "Customer lifecycle", "zh": "客户生命周期分类"},
    "fit": {"en": "Customer fit tiers", "zh": "客户匹配度分层"},
}

METHOD_TEXT: dict[str, T] = {
    "abc": {
        "en": "Rank the customers by revenue, largest first. For each customer take the share of total revenue "
              "held by the customers ranked ABOVE it (the top customer has 0). A (key accounts): that share is "
              "below 80%. B (main customers): below 95%. C (ordinary customers): everyone else.",
        "zh": "按销售额从高到低排列客户。对每位客户，计算排在它之前的客户销售额合计占总销售额的比例（第一名为0）。"
              "A类（关键客户）：该比例小于80%；B类（主要客户）：小于95%；其余为C类（普通客户）。",
    },
    "rfm": {
        "en": "Score each customer 1-5 on Recency (days since the last order; fewer days = higher score), "
              "Frequency (orders) and Monetary (revenue) by quintile (mid-rank: a value's average rank r among "
              "n customers gives score floor((r - 0.5) / n * 5) + 1; equal values share a score). Then "
              "FM = F + M and the segment is the first that matches: Champions R≥4 and FM≥9; Loyal (R≥4 and "
              "7≤FM≤8) or (R=3 and FM≥7); Potential loyalist R≥4, F≥2, 5≤FM≤6; New / recent R=5 and F=1; "
              "Promising (R=4 and F=1) or (R≥4, F≥2, FM≤4); Need attention R=3, 5≤FM≤6; About to sleep R=3, "
              "FM≤4; At risk R≤2, 6≤FM≤8; Can't lose them R≤2, FM≥9; Hibernating R=2, FM≤5; Lost R=1, FM≤5.",
        "zh": "按五分位给每位客户的R（距最近下单天数，天数越少分越高）、F（订单数）、M（销售额）打1-5分"
              "（平均秩法：n位客户中平均排名为r的数值得分为 floor((r-0.5)/n×5)+1，数值相同得分相同）。"
              "令FM=F+M，取第一个符合的细分：冠军客户 R≥4且FM≥9；忠诚客户 (R≥4且7≤FM≤8)或(R=3且FM≥7)；"
              "潜在忠诚客户 R≥4、F≥2、5≤FM≤6；新客户 R=5且F=1；有潜力客户 (R=4且F=1)或(R≥4、F≥2、FM≤4)；"
              "需要关注 R=3、5≤FM≤6；即将沉睡 R=3、FM≤4；流失风险 R≤2、6≤FM≤8；不能失去 R≤2、FM≥9；"
              "沉睡客户 R=2、FM≤5；流失客户 R=1、FM≤5。",
    },
    "value": {
        "en": "Revenue percent rank = (number of customers with less revenue) / (customers - 1). High value: "
              "percent rank ≥ 0.8 AND at least 6 orders AND last order within 180 days. Medium value: (percent "
              "rank ≥ 0.5 AND last order within 365 days) OR percent rank ≥ 0.8. Low value: everyone else.",
        "zh": "销售额百分位 =（销售额更低的客户数）/（客户数-1）。高价值客户：百分位≥0.8，且订单数≥6，且180天内有购买。"
              "中等价值客户：（百分位≥0.5且365天内有购买）或百分位≥0.8。其余为低价值客户。",
    },
    "lifecycle": {
        "en": "Take the first that matches: Potential: no orders. Churned: more than 365 days since the last "
              "order. Loyal: at least 12 orders, first order at least 365 days ago and last order within 90 days. "
              "One-time: exactly 1 order. Regular: 2 or more orders.",
        "zh": "按顺序取第一个符合的：潜在客户：没有订单；流失客户：距最近下单超过365天；忠诚客户：订单数≥12，"
              "首次下单距今≥365天，且最近下单距今≤90天；一次性客户：只有1笔订单；常规客户：2笔及以上订单。",
    },
    "fit": {
        "en": "Take the first that matches: Avoid: any risk is high. Ideal: revenue percent rank ≥ 0.8, gross "
              "margin rate (gross profit / revenue) ≥ 25% and no medium risk. Good: percent rank ≥ 0.5, margin "
              "rate ≥ 18% and no medium risk. Reluctant: a medium risk or margin rate below 10%. Regular: the "
              "rest. Percent rank = (customers with less revenue) / (customers - 1).",
        "zh": "按顺序取第一个符合的：避免型：任一风险为“高”；"
              "理想型：销售额百分位≥0.8、毛利率（毛利/销售额）≥25%且无“中”风险；"
              "较好型：百分位≥0.5、毛利率≥18%且无“中”风险；牵强型：有“中”风险或毛利率低于10%；其余为常规型。"
              "百分位 =（销售额更低的客户数）/（客户数-1）。",
    },
}

LEVEL_TEXT: dict[int, T] = {
    1: {"en": "Level 1: the helper values are already computed in the Data sheet; apply the rules.",
        "zh": "第1级：数据表中已算好辅助数值，直接套用规则即可。"},
    2: {"en": "Level 2: compute the helper values yourself (you may add your own sheets for the calculation), "
              "then apply the rules.",
        "zh": "第2级：请自己计算辅助数值（可以新建工作表进行计算），再套用规则。"},
    3: {"en": "Level 3: compute the helper values, write the cut-offs you found on the Thresholds sheet "
              "(in the units of the data), then classify every customer.",
        "zh": "第3级：计算辅助数值，把你求出的分界值（按数据的单位）填入“阈值”表，再为每位客户分类。"},
}


def as_of_text(lang: str) -> str:
    return (f"Today is {AS_OF.isoformat()}: count days up to this date." if lang == "en"
            else f"今天是 {AS_OF.isoformat()}：天数计算到这一天为止。")


def task_text(method: str, lang: str, n: int) -> str:
    title = TITLES[method][lang]
    if lang == "zh":
        return (f"任务：用“{title}”方法为数据表中的 {n} 位客户分类。在“你的答案（层级）”列中为每一行选择层级"
                "（中文或英文名称均可）。保存后把文件交回给培训师，不要修改数据。")
    return (f"Task: classify the {n} customers of the Data sheet with the {title} method. In the column "
            "'Your answer (tier)' pick each row's tier (English or Chinese names are both fine). Save the file and "
            "hand it back to your trainer; do not change the data.")


def word(key: str, lang: str) -> str:
    return WORDS[key].get(lang, WORDS[key]["en"])

"""The fixed words of the exercise workbooks, in English and Chinese.  The method's title, tiers and cut-offs
are not here: they come from the rule set (see :mod:`.plugin`)."""

from __future__ import annotations

from .plugin import AS_OF

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


def task_text(title: str, lang: str, n: int) -> str:
    if lang == "zh":
        return (f"任务：用“{title}”方法为数据表中的 {n} 位客户分类。在“你的答案（层级）”列中为每一行选择层级"
                "（中文或英文名称均可）。保存后把文件交回给培训师，不要修改数据。")
    return (f"Task: classify the {n} customers of the Data sheet with the {title} method. In the column "
            "'Your answer (tier)' pick each row's tier (English or Chinese names are both fine). Save the file and "
            "hand it back to your trainer; do not change the data.")


def word(key: str, lang: str) -> str:
    return WORDS[key].get(lang, WORDS[key]["en"])

SELECT
  *,
  CASE WHEN "tk_match_A" THEN 'A' WHEN "tk_match_B" THEN 'B' ELSE 'C' END AS "tier_id",
  CASE
    WHEN "tk_match_A"
    THEN 'A · Key account'
    WHEN "tk_match_B"
    THEN 'B · Main customer'
    ELSE 'C · Ordinary customer'
  END AS "tier_label"
FROM (
  SELECT
    *,
    (
      COALESCE("cum_share" < CAST(0.8 AS DOUBLE), FALSE)
    )
    AND (
      NOT (
        "cum_share" IS NULL
      )
    ) AS "tk_match_A",
    "cum_share" IS NULL AS "tk_error_A",
    (
      COALESCE("cum_share" < CAST(0.95 AS DOUBLE), FALSE)
    )
    AND (
      NOT (
        "cum_share" IS NULL
      )
    ) AS "tk_match_B",
    "cum_share" IS NULL AS "tk_error_B"
  FROM (
    WITH f0 AS (
      SELECT
        *,
        ROW_NUMBER() OVER () AS "_tierkit_row"
      FROM crm.customers
    ), f1 AS (
      SELECT
        *
      FROM (
        SELECT
          CASE
            WHEN REGEXP_LIKE(
              NULLIF(
                TRIM(
                  TRANSLATE(
                    CAST("客户编号" AS VARCHAR),
                    '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                    '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                  )
                ),
                ''
              ),
              '^-?[0-9]+\\.0*$'
            )
            THEN SPLIT_PART(
              NULLIF(
                TRIM(
                  TRANSLATE(
                    CAST("客户编号" AS VARCHAR),
                    '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                    '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                  )
                ),
                ''
              ),
              '.',
              1
            )
            ELSE NULLIF(
              TRIM(
                TRANSLATE(
                  CAST("客户编号" AS VARCHAR),
                  '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                  '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                )
              ),
              ''
            )
          END AS k,
          CAST("下单日期" AS DATE) AS d,
          COALESCE(CAST("金额" AS DOUBLE), 0) AS amt,
          COALESCE(CAST("毛利" AS DOUBLE), 0) AS mgn,
          NULLIF(TRIM(CAST("产品" AS VARCHAR)), '') AS prod,
          NULLIF(TRIM(CAST("渠道" AS VARCHAR)), '') AS chan
        FROM crm.orders
      ) AS s
      WHERE
        NOT k IS NULL
        AND NOT RTRIM(LOWER(REGEXP_REPLACE(CAST(k AS VARCHAR), '[\\s_]', '')), ':') IN ('grandtotal', 'subtotal', 'sum', 'total', '合計', '合计', '小計', '小计', '总计', '總計')
    ), f2 AS (
      SELECT
        CAST('2024-12-31' AS DATE) AS st
    ), f3 AS (
      SELECT
        f1.*,
        st
      FROM f1
      CROSS JOIN f2
      WHERE
        d IS NULL OR d <= st
    ), f4 AS (
      SELECT
        k,
        DATEDIFF(DAY, MAX(d), st) AS recency_days,
        DATEDIFF(DAY, MIN(d), st) AS tenure_days,
        COUNT(*) AS frequency,
        CAST(SUM(CAST(amt AS DECIMAL(38, 10))) AS DOUBLE) AS monetary,
        CAST(SUM(CAST(amt AS DECIMAL(38, 10))) AS DOUBLE) / NULLIF(COUNT(*), 0) AS avg_order_value,
        MIN(d) AS first_purchase,
        MAX(d) AS last_purchase,
        COUNT(DISTINCT prod) AS distinct_products,
        CAST(SUM(CAST(mgn AS DECIMAL(38, 10))) AS DOUBLE) AS gross_profit,
        CAST(SUM(CAST(mgn AS DECIMAL(38, 10))) AS DOUBLE) / (
          CASE WHEN SUM(amt) > 0 THEN CAST(SUM(CAST(amt AS DECIMAL(38, 10))) AS DOUBLE) END
        ) AS margin_rate,
        COUNT(DISTINCT chan) AS channels,
        COUNT(
          DISTINCT CASE
            WHEN (
              d > st - INTERVAL '365 DAY' AND d <= st
            )
            THEN YEAR(d) * 12 + MONTH(d)
          END
        ) AS active_months_12m,
        CAST(SUM(
          CAST(CASE
            WHEN (
              d > st - INTERVAL '365 DAY' AND d <= st
            )
            THEN amt
            ELSE CAST(0 AS DOUBLE)
          END AS DECIMAL(38, 10))
        ) AS DOUBLE) AS revenue_12m,
        CAST(SUM(
          CAST(CASE
            WHEN (
              d > st - INTERVAL '730 DAY' AND d <= st - INTERVAL '365 DAY'
            )
            THEN amt
            ELSE CAST(0 AS DOUBLE)
          END AS DECIMAL(38, 10))
        ) AS DOUBLE) AS revenue_prev_12m
      FROM f3
      GROUP BY
        k,
        st
    ), f5 AS (
      SELECT
        k,
        chan,
        COUNT(*) AS n
      FROM f3
      WHERE
        NOT chan IS NULL
      GROUP BY
        k,
        chan
    ), f6 AS (
      SELECT
        k,
        chan,
        ROW_NUMBER() OVER (PARTITION BY k ORDER BY n DESC NULLS LAST, chan ASC) AS r
      FROM f5
    ), f7 AS (
      SELECT
        f4.*,
        revenue_12m / (
          CASE WHEN revenue_prev_12m > 0 THEN revenue_prev_12m END
        ) - 1 AS growth,
        monetary / (
          CASE
            WHEN SUM(CASE WHEN monetary > 0 THEN monetary END) OVER () > 0
            THEN SUM(CASE WHEN monetary > 0 THEN monetary END) OVER ()
          END
        ) AS revenue_share,
        chan AS main_channel
      FROM f4
      LEFT JOIN (
        SELECT
          k AS ck,
          chan
        FROM f6
        WHERE
          r = 1
      ) AS c
        ON ck = f4.k
    ), f8 AS (
      SELECT
        t."_tierkit_row",
        t."客户编号",
        t."客户名称",
        t."Customer name",
        t."区域",
        t."城市",
        t."行业",
        t."客户经理",
        t."获客渠道",
        t."客户来源",
        t."购买偏好",
        t."信用等级",
        t."逾期次数",
        t."我方份额",
        t."服务成本",
        t."高层关系",
        t."合作难度",
        t."产品风险",
        t."财务风险",
        t."信用风险",
        t."管理风险",
        t."政治风险",
        t."竞争对手产品",
        t."竞争对手实力",
        t."切入机会",
        t."各部门偏好不同",
        t."平均库存",
        t."业态",
        t."技术支持次数",
        t."用户类型",
        x.recency_days AS "recency_days",
        x.tenure_days AS "tenure_days",
        COALESCE(x.frequency, 0) AS "frequency",
        x.monetary AS "revenue",
        x.avg_order_value AS "avg_order_value",
        x.first_purchase AS "first_purchase",
        x.last_purchase AS "last_purchase",
        COALESCE(x.distinct_products, 0) AS "distinct_products",
        x.gross_profit AS "gross_profit",
        x.margin_rate AS "margin_rate",
        x.main_channel AS "main_channel",
        COALESCE(x.channels, 0) AS "channels",
        COALESCE(x.active_months_12m, 0) AS "active_months_12m",
        x.revenue_12m AS "revenue_12m",
        x.revenue_prev_12m AS "revenue_prev_12m",
        x.growth AS "growth",
        x.revenue_share AS "revenue_share"
      FROM f0 AS t
      LEFT JOIN f7 AS x
        ON x.k = CASE
          WHEN REGEXP_LIKE(
            NULLIF(
              TRIM(
                TRANSLATE(
                  CAST(t."客户编号" AS VARCHAR),
                  '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                  '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                )
              ),
              ''
            ),
            '^-?[0-9]+\\.0*$'
          )
          THEN SPLIT_PART(
            NULLIF(
              TRIM(
                TRANSLATE(
                  CAST(t."客户编号" AS VARCHAR),
                  '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                  '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                )
              ),
              ''
            ),
            '.',
            1
          )
          ELSE NULLIF(
            TRIM(
              TRANSLATE(
                CAST(t."客户编号" AS VARCHAR),
                '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
              )
            ),
            ''
          )
        END
    ), f9 AS (
      SELECT
        *
      FROM (
        SELECT
          CASE
            WHEN REGEXP_LIKE(
              NULLIF(
                TRIM(
                  TRANSLATE(
                    CAST("客户编号" AS VARCHAR),
                    '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                    '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                  )
                ),
                ''
              ),
              '^-?[0-9]+\\.0*$'
            )
            THEN SPLIT_PART(
              NULLIF(
                TRIM(
                  TRANSLATE(
                    CAST("客户编号" AS VARCHAR),
                    '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                    '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                  )
                ),
                ''
              ),
              '.',
              1
            )
            ELSE NULLIF(
              TRIM(
                TRANSLATE(
                  CAST("客户编号" AS VARCHAR),
                  '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                  '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                )
              ),
              ''
            )
          END AS k,
          CAST("下单日期" AS DATE) AS d,
          CAST("数量" AS DOUBLE) AS qty,
          FALSE AS promo
        FROM crm.orders
      ) AS s
      WHERE
        NOT k IS NULL
        AND NOT RTRIM(LOWER(REGEXP_REPLACE(CAST(k AS VARCHAR), '[\\s_]', '')), ':') IN ('grandtotal', 'subtotal', 'sum', 'total', '合計', '合计', '小計', '小计', '总计', '總計')
    ), f10 AS (
      SELECT
        CAST('2024-12-31' AS DATE) AS st
    ), f11 AS (
      SELECT
        f9.*,
        st
      FROM f9
      CROSS JOIN f10
      WHERE
        d IS NULL OR d <= st
    ), f12 AS (
      SELECT
        k,
        CAST(SUM(CAST(qty AS DECIMAL(38, 10))) AS DOUBLE) AS volume,
        CAST(SUM(CASE WHEN NOT d IS NULL AND d > st - INTERVAL '365 DAY' THEN 1 ELSE 0 END) AS BIGINT) AS orders_12m,
        CAST(SUM(CASE WHEN NOT d IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS timed_orders,
        SUM(
          CASE
            WHEN (
              NOT d IS NULL AND (
                promo OR DAY(LAST_DAY(d)) - DAY(d) < 5
              )
            )
            THEN 1
            ELSE 0
          END
        ) AS deals
      FROM f11
      GROUP BY
        k,
        st
    ), f13 AS (
      SELECT
        k,
        volume,
        orders_12m,
        timed_orders,
        CAST(deals AS DOUBLE) / NULLIF(timed_orders, 0) AS deal_share
      FROM f12
    ), f14 AS (
      SELECT
        t."_tierkit_row",
        t."客户编号",
        t."客户名称",
        t."Customer name",
        t."区域",
        t."城市",
        t."行业",
        t."客户经理",
        t."获客渠道",
        t."客户来源",
        t."购买偏好",
        t."信用等级",
        t."逾期次数",
        t."我方份额",
        t."服务成本",
        t."高层关系",
        t."合作难度",
        t."产品风险",
        t."财务风险",
        t."信用风险",
        t."管理风险",
        t."政治风险",
        t."竞争对手产品",
        t."竞争对手实力",
        t."切入机会",
        t."各部门偏好不同",
        t."平均库存",
        t."业态",
        t."技术支持次数",
        t."用户类型",
        t."recency_days",
        t."tenure_days",
        t."frequency",
        t."revenue",
        t."avg_order_value",
        t."first_purchase",
        t."last_purchase",
        t."distinct_products",
        t."gross_profit",
        t."margin_rate",
        t."main_channel",
        t."channels",
        t."active_months_12m",
        t."revenue_12m",
        t."revenue_prev_12m",
        t."growth",
        t."revenue_share",
        x.volume AS "volume",
        COALESCE(x.orders_12m, 0) AS "orders_12m",
        COALESCE(x.timed_orders, 0) AS "timed_orders",
        x.deal_share AS "deal_share"
      FROM f8 AS t
      LEFT JOIN f13 AS x
        ON x.k = CASE
          WHEN REGEXP_LIKE(
            NULLIF(
              TRIM(
                TRANSLATE(
                  CAST(t."客户编号" AS VARCHAR),
                  '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                  '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                )
              ),
              ''
            ),
            '^-?[0-9]+\\.0*$'
          )
          THEN SPLIT_PART(
            NULLIF(
              TRIM(
                TRANSLATE(
                  CAST(t."客户编号" AS VARCHAR),
                  '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                  '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                )
              ),
              ''
            ),
            '.',
            1
          )
          ELSE NULLIF(
            TRIM(
              TRANSLATE(
                CAST(t."客户编号" AS VARCHAR),
                '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
              )
            ),
            ''
          )
        END
    ), f15 AS (
      SELECT
        "_tierkit_row",
        "客户编号",
        "客户名称",
        "Customer name",
        "区域",
        "城市",
        "行业",
        "客户经理",
        "获客渠道",
        "客户来源",
        "购买偏好",
        "信用等级",
        "逾期次数",
        "我方份额",
        "服务成本",
        "高层关系",
        "合作难度",
        "产品风险",
        "财务风险",
        "信用风险",
        "管理风险",
        "政治风险",
        "竞争对手产品",
        "竞争对手实力",
        "切入机会",
        "各部门偏好不同",
        "平均库存",
        "业态",
        "技术支持次数",
        "用户类型",
        "recency_days",
        "tenure_days",
        "frequency",
        "revenue",
        "avg_order_value",
        "first_purchase",
        "last_purchase",
        "distinct_products",
        "gross_profit",
        CAST("gross_profit" AS DOUBLE) / NULLIF(CAST("revenue" AS DOUBLE), 0) AS "margin_rate",
        "main_channel",
        "channels",
        "active_months_12m",
        "revenue_12m",
        "revenue_prev_12m",
        "growth",
        "revenue_share",
        "volume",
        "orders_12m",
        "timed_orders",
        "deal_share"
      FROM f14
    ), f16 AS (
      SELECT
        "_tierkit_row",
        "客户编号",
        "客户名称",
        "Customer name",
        "区域",
        "城市",
        "行业",
        "客户经理",
        "获客渠道",
        "客户来源",
        "购买偏好",
        "信用等级",
        "逾期次数",
        "我方份额",
        "服务成本",
        "高层关系",
        "合作难度",
        "产品风险",
        "财务风险",
        "信用风险",
        "管理风险",
        "政治风险",
        "竞争对手产品",
        "竞争对手实力",
        "切入机会",
        "各部门偏好不同",
        "平均库存",
        "业态",
        "技术支持次数",
        "用户类型",
        "recency_days",
        "tenure_days",
        "frequency",
        "revenue",
        "avg_order_value",
        "first_purchase",
        "last_purchase",
        "distinct_products",
        "gross_profit",
        "margin_rate",
        "main_channel",
        "channels",
        "active_months_12m",
        "revenue_12m",
        "revenue_prev_12m",
        "growth",
        "revenue_share",
        "volume",
        "orders_12m",
        "timed_orders",
        "deal_share",
        CAST("revenue_12m" AS DOUBLE) / NULLIF(CAST("平均库存" AS DOUBLE), 0) AS "turnover"
      FROM f15
    ), f17 AS (
      SELECT
        "_tierkit_row",
        "客户编号",
        "客户名称",
        "Customer name",
        "区域",
        "城市",
        "行业",
        "客户经理",
        "获客渠道",
        "客户来源",
        "购买偏好",
        "信用等级",
        "逾期次数",
        "我方份额",
        "服务成本",
        "高层关系",
        "合作难度",
        "产品风险",
        "财务风险",
        "信用风险",
        "管理风险",
        "政治风险",
        "竞争对手产品",
        "竞争对手实力",
        "切入机会",
        "各部门偏好不同",
        "平均库存",
        "业态",
        "技术支持次数",
        "用户类型",
        "recency_days",
        "tenure_days",
        "frequency",
        "revenue",
        "avg_order_value",
        "first_purchase",
        "last_purchase",
        "distinct_products",
        "gross_profit",
        "margin_rate",
        "main_channel",
        "channels",
        "active_months_12m",
        "revenue_12m",
        "revenue_prev_12m",
        "growth",
        "revenue_share",
        "volume",
        "orders_12m",
        "timed_orders",
        "deal_share",
        "turnover",
        (
          CAST("margin_rate" AS DOUBLE) * CAST("turnover" AS DOUBLE)
        ) AS "cross_ratio"
      FROM f16
    ), f18 AS (
      SELECT
        "_tierkit_row",
        "客户编号",
        "客户名称",
        "Customer name",
        "区域",
        "城市",
        "行业",
        "客户经理",
        "获客渠道",
        "客户来源",
        "购买偏好",
        "信用等级",
        "逾期次数",
        "我方份额",
        "服务成本",
        "高层关系",
        "合作难度",
        "产品风险",
        "财务风险",
        "信用风险",
        "管理风险",
        "政治风险",
        "竞争对手产品",
        "竞争对手实力",
        "切入机会",
        "各部门偏好不同",
        "平均库存",
        "业态",
        "技术支持次数",
        "用户类型",
        "recency_days",
        "tenure_days",
        "frequency",
        "revenue",
        "avg_order_value",
        "first_purchase",
        "last_purchase",
        "distinct_products",
        "gross_profit",
        "margin_rate",
        "main_channel",
        "channels",
        "active_months_12m",
        "revenue_12m",
        "revenue_prev_12m",
        "growth",
        "revenue_share",
        "volume",
        "orders_12m",
        "timed_orders",
        "deal_share",
        "turnover",
        "cross_ratio",
        CAST("revenue" AS DOUBLE) / (
          CASE
            WHEN SUM(CASE WHEN CAST("revenue" AS DOUBLE) > 0 THEN CAST("revenue" AS DOUBLE) END) OVER () > 0
            THEN SUM(CASE WHEN CAST("revenue" AS DOUBLE) > 0 THEN CAST("revenue" AS DOUBLE) END) OVER ()
          END
        ) AS "sales_mix"
      FROM f17
    ), f19 AS (
      SELECT
        "_tierkit_row",
        "客户编号",
        "客户名称",
        "Customer name",
        "区域",
        "城市",
        "行业",
        "客户经理",
        "获客渠道",
        "客户来源",
        "购买偏好",
        "信用等级",
        "逾期次数",
        "我方份额",
        "服务成本",
        "高层关系",
        "合作难度",
        "产品风险",
        "财务风险",
        "信用风险",
        "管理风险",
        "政治风险",
        "竞争对手产品",
        "竞争对手实力",
        "切入机会",
        "各部门偏好不同",
        "平均库存",
        "业态",
        "技术支持次数",
        "用户类型",
        "recency_days",
        "tenure_days",
        "frequency",
        "revenue",
        "avg_order_value",
        "first_purchase",
        "last_purchase",
        "distinct_products",
        "gross_profit",
        "margin_rate",
        "main_channel",
        "channels",
        "active_months_12m",
        "revenue_12m",
        "revenue_prev_12m",
        "growth",
        "revenue_share",
        "volume",
        "orders_12m",
        "timed_orders",
        "deal_share",
        "turnover",
        "cross_ratio",
        "sales_mix",
        (
          CAST("cross_ratio" AS DOUBLE) * CAST("sales_mix" AS DOUBLE)
        ) AS "contribution_ratio"
      FROM f18
    ), f20 AS (
      SELECT
        "_tierkit_row",
        "客户编号",
        "客户名称",
        "Customer name",
        "区域",
        "城市",
        "行业",
        "客户经理",
        "获客渠道",
        "客户来源",
        "购买偏好",
        "信用等级",
        "逾期次数",
        "我方份额",
        "服务成本",
        "高层关系",
        "合作难度",
        "产品风险",
        "财务风险",
        "信用风险",
        "管理风险",
        "政治风险",
        "竞争对手产品",
        "竞争对手实力",
        "切入机会",
        "各部门偏好不同",
        "平均库存",
        "业态",
        "技术支持次数",
        "用户类型",
        "recency_days",
        "tenure_days",
        "frequency",
        "revenue",
        "avg_order_value",
        "first_purchase",
        "last_purchase",
        "distinct_products",
        "gross_profit",
        "margin_rate",
        "main_channel",
        "channels",
        "active_months_12m",
        "revenue_12m",
        "revenue_prev_12m",
        "growth",
        "revenue_share",
        "volume",
        "orders_12m",
        "timed_orders",
        "deal_share",
        "turnover",
        "cross_ratio",
        "sales_mix",
        "contribution_ratio",
        CAST("revenue" AS DOUBLE) AS "contribution"
      FROM f19
    ), f21 AS (
      SELECT
        "_tierkit_row",
        "客户编号",
        "客户名称",
        "Customer name",
        "区域",
        "城市",
        "行业",
        "客户经理",
        "获客渠道",
        "客户来源",
        "购买偏好",
        "信用等级",
        "逾期次数",
        "我方份额",
        "服务成本",
        "高层关系",
        "合作难度",
        "产品风险",
        "财务风险",
        "信用风险",
        "管理风险",
        "政治风险",
        "竞争对手产品",
        "竞争对手实力",
        "切入机会",
        "各部门偏好不同",
        "平均库存",
        "业态",
        "技术支持次数",
        "用户类型",
        "recency_days",
        "tenure_days",
        "frequency",
        "revenue",
        "avg_order_value",
        "first_purchase",
        "last_purchase",
        "distinct_products",
        "gross_profit",
        "margin_rate",
        "main_channel",
        "channels",
        "active_months_12m",
        "revenue_12m",
        "revenue_prev_12m",
        "growth",
        "revenue_share",
        "volume",
        "orders_12m",
        "timed_orders",
        "deal_share",
        "turnover",
        "cross_ratio",
        "sales_mix",
        "contribution_ratio",
        "contribution",
        CASE
          WHEN CAST("contribution" AS DOUBLE) IS NULL
          THEN NULL
          WHEN NOT (
            SUM(GREATEST_IGNORE_NULLS(CAST("contribution" AS DOUBLE), CAST(0 AS DOUBLE))) OVER () > 0
          )
          THEN CAST(1 AS DOUBLE)
          WHEN CAST("contribution" AS DOUBLE) <= 0
          THEN CAST(1 AS DOUBLE)
          ELSE LEAST_IGNORE_NULLS(
            (
              SUM(GREATEST_IGNORE_NULLS(CAST("contribution" AS DOUBLE), CAST(0 AS DOUBLE))) OVER (
                PARTITION BY CAST("contribution" AS DOUBLE) IS NULL
                ORDER BY GREATEST_IGNORE_NULLS(CAST("contribution" AS DOUBLE), CAST(0 AS DOUBLE)) DESC NULLS LAST
                RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
              ) - SUM(GREATEST_IGNORE_NULLS(CAST("contribution" AS DOUBLE), CAST(0 AS DOUBLE))) OVER (
                PARTITION BY GREATEST_IGNORE_NULLS(CAST("contribution" AS DOUBLE), CAST(0 AS DOUBLE))
              )
            ) / SUM(GREATEST_IGNORE_NULLS(CAST("contribution" AS DOUBLE), CAST(0 AS DOUBLE))) OVER (),
            CAST(1 AS DOUBLE)
          )
        END AS "cum_share"
      FROM f20
    )
    SELECT
      "客户编号",
      "客户名称",
      "Customer name",
      "区域",
      "城市",
      "行业",
      "客户经理",
      "获客渠道",
      "客户来源",
      "购买偏好",
      "信用等级",
      "逾期次数",
      "我方份额",
      "服务成本",
      "高层关系",
      "合作难度",
      "产品风险",
      "财务风险",
      "信用风险",
      "管理风险",
      "政治风险",
      "竞争对手产品",
      "竞争对手实力",
      "切入机会",
      "各部门偏好不同",
      "平均库存",
      "业态",
      "技术支持次数",
      "用户类型",
      "recency_days",
      "tenure_days",
      "frequency",
      "revenue",
      "avg_order_value",
      "first_purchase",
      "last_purchase",
      "distinct_products",
      "gross_profit",
      "margin_rate",
      "main_channel",
      "channels",
      "active_months_12m",
      "revenue_12m",
      "revenue_prev_12m",
      "growth",
      "revenue_share",
      "volume",
      "orders_12m",
      "timed_orders",
      "deal_share",
      "turnover",
      "cross_ratio",
      "sales_mix",
      "contribution_ratio",
      "contribution",
      "cum_share"
    FROM f21
    ORDER BY
      "_tierkit_row"
  ) AS tk_input
) AS tk_flags

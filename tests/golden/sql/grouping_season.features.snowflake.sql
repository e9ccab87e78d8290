SELECT
  *,
  CASE
    WHEN "tk_match_no_orders"
    THEN 'no_orders'
    WHEN "tk_match_too_few_months"
    THEN 'too_few_months'
    WHEN "tk_match_peak_season"
    THEN 'peak_season'
    WHEN "tk_match_off_season"
    THEN 'off_season'
    ELSE 'year_round'
  END AS "tier_id",
  CASE
    WHEN "tk_match_no_orders"
    THEN 'No purchases yet'
    WHEN "tk_match_too_few_months"
    THEN 'Season not yet visible'
    WHEN "tk_match_peak_season"
    THEN 'Peak-season buyer'
    WHEN "tk_match_off_season"
    THEN 'Off-season buyer'
    ELSE 'Year-round buyer'
  END AS "tier_label"
FROM (
  SELECT
    *,
    COALESCE(
      CASE
        WHEN NOT (
          "buying_months" IS NULL
        )
        THEN "buying_months"
        ELSE CAST(0.0 AS DOUBLE)
      END = CAST(0.0 AS DOUBLE),
      FALSE
    ) AS "tk_match_no_orders",
    FALSE AS "tk_error_no_orders",
    (
      COALESCE("buying_months" < CAST(3.0 AS DOUBLE), FALSE)
    )
    AND (
      NOT (
        "buying_months" IS NULL
      )
    ) AS "tk_match_too_few_months",
    "buying_months" IS NULL AS "tk_error_too_few_months",
    (
      COALESCE(
        CASE
          WHEN NOT (
            "peak_season_share" IS NULL
          )
          THEN "peak_season_share"
          ELSE CAST(0.0 AS DOUBLE)
        END >= CAST(0.5 AS DOUBLE),
        FALSE
      )
    )
    AND (
      NOT (
        CASE
          WHEN NOT (
            "peak_season_share" IS NULL
          )
          THEN "peak_season_share"
          ELSE CAST(0.0 AS DOUBLE)
        END IS NULL
      )
    ) AS "tk_match_peak_season",
    CASE
      WHEN NOT (
        "peak_season_share" IS NULL
      )
      THEN "peak_season_share"
      ELSE CAST(0.0 AS DOUBLE)
    END IS NULL AS "tk_error_peak_season",
    (
      COALESCE(
        CASE
          WHEN NOT (
            "off_season_share" IS NULL
          )
          THEN "off_season_share"
          ELSE CAST(0.0 AS DOUBLE)
        END >= CAST(0.4 AS DOUBLE),
        FALSE
      )
    )
    AND (
      NOT (
        CASE
          WHEN NOT (
            "off_season_share" IS NULL
          )
          THEN "off_season_share"
          ELSE CAST(0.0 AS DOUBLE)
        END IS NULL
      )
    ) AS "tk_match_off_season",
    CASE
      WHEN NOT (
        "off_season_share" IS NULL
      )
      THEN "off_season_share"
      ELSE CAST(0.0 AS DOUBLE)
    END IS NULL AS "tk_error_off_season"
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
          COALESCE(CAST("金额" AS DOUBLE), 0) AS amt
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
        f4.*,
        revenue_12m / (
          CASE WHEN revenue_prev_12m > 0 THEN revenue_prev_12m END
        ) - 1 AS growth,
        monetary / (
          CASE
            WHEN SUM(CASE WHEN monetary > 0 THEN monetary END) OVER () > 0
            THEN SUM(CASE WHEN monetary > 0 THEN monetary END) OVER ()
          END
        ) AS revenue_share
      FROM f4
    ), f6 AS (
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
        COALESCE(x.active_months_12m, 0) AS "active_months_12m",
        x.revenue_12m AS "revenue_12m",
        x.revenue_prev_12m AS "revenue_prev_12m",
        x.growth AS "growth",
        x.revenue_share AS "revenue_share"
      FROM f0 AS t
      LEFT JOIN f5 AS x
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
    ), f7 AS (
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
          COALESCE(CAST("金额" AS DOUBLE), 0) AS amt,
          CAST("下单日期" AS DATE) AS d
        FROM crm.orders
      ) AS s
      WHERE
        NOT k IS NULL
        AND NOT RTRIM(LOWER(REGEXP_REPLACE(CAST(k AS VARCHAR), '[\\s_]', '')), ':') IN ('grandtotal', 'subtotal', 'sum', 'total', '合計', '合计', '小計', '小计', '总计', '總計')
    ), f8 AS (
      SELECT
        CAST('2024-12-31' AS DATE) AS st
    ), f9 AS (
      SELECT
        f7.*
      FROM f7
      CROSS JOIN f8
      WHERE
        d IS NULL OR st IS NULL OR d <= st
    ), f10 AS (
      SELECT
        k,
        MONTH(d) AS m,
        amt
      FROM f9
      WHERE
        NOT d IS NULL
    ), f11 AS (
      SELECT
        k,
        m,
        CAST(SUM(CAST(amt AS DECIMAL(38, 10))) AS DOUBLE) AS v
      FROM f10
      GROUP BY
        k,
        m
    ), f12 AS (
      SELECT
        k,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 1 THEN v END), 0), 0) AS v1,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 2 THEN v END), 0), 0) AS v2,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 3 THEN v END), 0), 0) AS v3,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 4 THEN v END), 0), 0) AS v4,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 5 THEN v END), 0), 0) AS v5,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 6 THEN v END), 0), 0) AS v6,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 7 THEN v END), 0), 0) AS v7,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 8 THEN v END), 0), 0) AS v8,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 9 THEN v END), 0), 0) AS v9,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 10 THEN v END), 0), 0) AS v10,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 11 THEN v END), 0), 0) AS v11,
        GREATEST_IGNORE_NULLS(COALESCE(SUM(CASE WHEN m = 12 THEN v END), 0), 0) AS v12,
        COUNT(DISTINCT m) AS bm
      FROM f11
      GROUP BY
        k
    ), f13 AS (
      SELECT
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 1 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c1,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 2 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c2,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 3 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c3,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 4 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c4,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 5 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c5,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 6 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c6,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 7 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c7,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 8 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c8,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 9 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c9,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 10 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c10,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 11 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c11,
        GREATEST_IGNORE_NULLS(
          COALESCE(CAST(SUM(CAST(CASE WHEN m = 12 THEN amt END AS DECIMAL(38, 10))) AS DOUBLE), 0),
          0
        ) AS c12
      FROM f10
    ), f14 AS (
      SELECT
        m,
        c,
        ROW_NUMBER() OVER (ORDER BY c, m) AS r
      FROM (
        SELECT
          1 AS m,
          c1 AS c
        FROM f13
        UNION ALL
        SELECT
          2 AS m,
          c2 AS c
        FROM f13
        UNION ALL
        SELECT
          3 AS m,
          c3 AS c
        FROM f13
        UNION ALL
        SELECT
          4 AS m,
          c4 AS c
        FROM f13
        UNION ALL
        SELECT
          5 AS m,
          c5 AS c
        FROM f13
        UNION ALL
        SELECT
          6 AS m,
          c6 AS c
        FROM f13
        UNION ALL
        SELECT
          7 AS m,
          c7 AS c
        FROM f13
        UNION ALL
        SELECT
          8 AS m,
          c8 AS c
        FROM f13
        UNION ALL
        SELECT
          9 AS m,
          c9 AS c
        FROM f13
        UNION ALL
        SELECT
          10 AS m,
          c10 AS c
        FROM f13
        UNION ALL
        SELECT
          11 AS m,
          c11 AS c
        FROM f13
        UNION ALL
        SELECT
          12 AS m,
          c12 AS c
        FROM f13
      ) AS u
    ), f15 AS (
      SELECT
        (
          MAX(CASE WHEN r = 6 THEN c END) + MAX(CASE WHEN r = 7 THEN c END)
        ) / 2 AS med,
        SUM(c) AS tot
      FROM f14
    ), f16 AS (
      SELECT
        (
          tot > 0 AND c1 >= CAST(1.05 AS DOUBLE) * med
        ) AS p1,
        (
          tot > 0 AND c2 >= CAST(1.05 AS DOUBLE) * med
        ) AS p2,
        (
          tot > 0 AND c3 >= CAST(1.05 AS DOUBLE) * med
        ) AS p3,
        (
          tot > 0 AND c4 >= CAST(1.05 AS DOUBLE) * med
        ) AS p4,
        (
          tot > 0 AND c5 >= CAST(1.05 AS DOUBLE) * med
        ) AS p5,
        (
          tot > 0 AND c6 >= CAST(1.05 AS DOUBLE) * med
        ) AS p6,
        (
          tot > 0 AND c7 >= CAST(1.05 AS DOUBLE) * med
        ) AS p7,
        (
          tot > 0 AND c8 >= CAST(1.05 AS DOUBLE) * med
        ) AS p8,
        (
          tot > 0 AND c9 >= CAST(1.05 AS DOUBLE) * med
        ) AS p9,
        (
          tot > 0 AND c10 >= CAST(1.05 AS DOUBLE) * med
        ) AS p10,
        (
          tot > 0 AND c11 >= CAST(1.05 AS DOUBLE) * med
        ) AS p11,
        (
          tot > 0 AND c12 >= CAST(1.05 AS DOUBLE) * med
        ) AS p12,
        (
          tot > 0 AND c1 <= CAST(0.8 AS DOUBLE) * med
        ) AS o1,
        (
          tot > 0 AND c2 <= CAST(0.8 AS DOUBLE) * med
        ) AS o2,
        (
          tot > 0 AND c3 <= CAST(0.8 AS DOUBLE) * med
        ) AS o3,
        (
          tot > 0 AND c4 <= CAST(0.8 AS DOUBLE) * med
        ) AS o4,
        (
          tot > 0 AND c5 <= CAST(0.8 AS DOUBLE) * med
        ) AS o5,
        (
          tot > 0 AND c6 <= CAST(0.8 AS DOUBLE) * med
        ) AS o6,
        (
          tot > 0 AND c7 <= CAST(0.8 AS DOUBLE) * med
        ) AS o7,
        (
          tot > 0 AND c8 <= CAST(0.8 AS DOUBLE) * med
        ) AS o8,
        (
          tot > 0 AND c9 <= CAST(0.8 AS DOUBLE) * med
        ) AS o9,
        (
          tot > 0 AND c10 <= CAST(0.8 AS DOUBLE) * med
        ) AS o10,
        (
          tot > 0 AND c11 <= CAST(0.8 AS DOUBLE) * med
        ) AS o11,
        (
          tot > 0 AND c12 <= CAST(0.8 AS DOUBLE) * med
        ) AS o12
      FROM f13
      CROSS JOIN f15
    ), f17 AS (
      SELECT
        k,
        v1,
        v2,
        v3,
        v4,
        v5,
        v6,
        v7,
        v8,
        v9,
        v10,
        v11,
        v12,
        bm,
        (
          v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + v10 + v11 + v12
        ) AS tot,
        (
          CASE WHEN v1 > 0 THEN 1 ELSE 0 END + CASE WHEN v2 > 0 THEN 1 ELSE 0 END + CASE WHEN v3 > 0 THEN 1 ELSE 0 END + CASE WHEN v4 > 0 THEN 1 ELSE 0 END + CASE WHEN v5 > 0 THEN 1 ELSE 0 END + CASE WHEN v6 > 0 THEN 1 ELSE 0 END + CASE WHEN v7 > 0 THEN 1 ELSE 0 END + CASE WHEN v8 > 0 THEN 1 ELSE 0 END + CASE WHEN v9 > 0 THEN 1 ELSE 0 END + CASE WHEN v10 > 0 THEN 1 ELSE 0 END + CASE WHEN v11 > 0 THEN 1 ELSE 0 END + CASE WHEN v12 > 0 THEN 1 ELSE 0 END
        ) AS bought
      FROM f12
    ), f18 AS (
      SELECT
        k,
        CASE
          WHEN tot > 0
          THEN CASE
            WHEN v1 >= v2
            AND v1 >= v3
            AND v1 >= v4
            AND v1 >= v5
            AND v1 >= v6
            AND v1 >= v7
            AND v1 >= v8
            AND v1 >= v9
            AND v1 >= v10
            AND v1 >= v11
            AND v1 >= v12
            THEN 1
            WHEN v2 >= v3
            AND v2 >= v4
            AND v2 >= v5
            AND v2 >= v6
            AND v2 >= v7
            AND v2 >= v8
            AND v2 >= v9
            AND v2 >= v10
            AND v2 >= v11
            AND v2 >= v12
            AND v2 > v1
            THEN 2
            WHEN v3 >= v4
            AND v3 >= v5
            AND v3 >= v6
            AND v3 >= v7
            AND v3 >= v8
            AND v3 >= v9
            AND v3 >= v10
            AND v3 >= v11
            AND v3 >= v12
            AND v3 > v1
            AND v3 > v2
            THEN 3
            WHEN v4 >= v5
            AND v4 >= v6
            AND v4 >= v7
            AND v4 >= v8
            AND v4 >= v9
            AND v4 >= v10
            AND v4 >= v11
            AND v4 >= v12
            AND v4 > v1
            AND v4 > v2
            AND v4 > v3
            THEN 4
            WHEN v5 >= v6
            AND v5 >= v7
            AND v5 >= v8
            AND v5 >= v9
            AND v5 >= v10
            AND v5 >= v11
            AND v5 >= v12
            AND v5 > v1
            AND v5 > v2
            AND v5 > v3
            AND v5 > v4
            THEN 5
            WHEN v6 >= v7
            AND v6 >= v8
            AND v6 >= v9
            AND v6 >= v10
            AND v6 >= v11
            AND v6 >= v12
            AND v6 > v1
            AND v6 > v2
            AND v6 > v3
            AND v6 > v4
            AND v6 > v5
            THEN 6
            WHEN v7 >= v8
            AND v7 >= v9
            AND v7 >= v10
            AND v7 >= v11
            AND v7 >= v12
            AND v7 > v1
            AND v7 > v2
            AND v7 > v3
            AND v7 > v4
            AND v7 > v5
            AND v7 > v6
            THEN 7
            WHEN v8 >= v9
            AND v8 >= v10
            AND v8 >= v11
            AND v8 >= v12
            AND v8 > v1
            AND v8 > v2
            AND v8 > v3
            AND v8 > v4
            AND v8 > v5
            AND v8 > v6
            AND v8 > v7
            THEN 8
            WHEN v9 >= v10
            AND v9 >= v11
            AND v9 >= v12
            AND v9 > v1
            AND v9 > v2
            AND v9 > v3
            AND v9 > v4
            AND v9 > v5
            AND v9 > v6
            AND v9 > v7
            AND v9 > v8
            THEN 9
            WHEN v10 >= v11
            AND v10 >= v12
            AND v10 > v1
            AND v10 > v2
            AND v10 > v3
            AND v10 > v4
            AND v10 > v5
            AND v10 > v6
            AND v10 > v7
            AND v10 > v8
            AND v10 > v9
            THEN 10
            WHEN v11 >= v12
            AND v11 > v1
            AND v11 > v2
            AND v11 > v3
            AND v11 > v4
            AND v11 > v5
            AND v11 > v6
            AND v11 > v7
            AND v11 > v8
            AND v11 > v9
            AND v11 > v10
            THEN 11
            WHEN v12 > v1
            AND v12 > v2
            AND v12 > v3
            AND v12 > v4
            AND v12 > v5
            AND v12 > v6
            AND v12 > v7
            AND v12 > v8
            AND v12 > v9
            AND v12 > v10
            AND v12 > v11
            THEN 12
          END
        END AS peak_month,
        CASE
          WHEN tot > 0
          THEN SUBSTRING(
            CASE
              WHEN (
                v1 > 0 AND v1 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 1'
              ELSE ''
            END || CASE
              WHEN (
                v2 > 0 AND v2 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 2'
              ELSE ''
            END || CASE
              WHEN (
                v3 > 0 AND v3 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 3'
              ELSE ''
            END || CASE
              WHEN (
                v4 > 0 AND v4 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 4'
              ELSE ''
            END || CASE
              WHEN (
                v5 > 0 AND v5 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 5'
              ELSE ''
            END || CASE
              WHEN (
                v6 > 0 AND v6 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 6'
              ELSE ''
            END || CASE
              WHEN (
                v7 > 0 AND v7 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 7'
              ELSE ''
            END || CASE
              WHEN (
                v8 > 0 AND v8 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 8'
              ELSE ''
            END || CASE
              WHEN (
                v9 > 0 AND v9 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 9'
              ELSE ''
            END || CASE
              WHEN (
                v10 > 0 AND v10 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 10'
              ELSE ''
            END || CASE
              WHEN (
                v11 > 0 AND v11 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 11'
              ELSE ''
            END || CASE
              WHEN (
                v12 > 0 AND v12 >= CAST(1.05 AS DOUBLE) * (
                  tot / NULLIF(bought, 0)
                )
              )
              THEN ', 12'
              ELSE ''
            END,
            3
          )
        END AS peak_months,
        (
          CASE WHEN p1 THEN v1 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p2 THEN v2 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p3 THEN v3 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p4 THEN v4 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p5 THEN v5 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p6 THEN v6 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p7 THEN v7 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p8 THEN v8 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p9 THEN v9 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p10 THEN v10 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p11 THEN v11 ELSE CAST(0 AS DOUBLE) END + CASE WHEN p12 THEN v12 ELSE CAST(0 AS DOUBLE) END
        ) / (
          CASE WHEN tot > 0 THEN tot END
        ) AS peak_season_share,
        (
          CASE WHEN o1 THEN v1 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o2 THEN v2 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o3 THEN v3 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o4 THEN v4 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o5 THEN v5 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o6 THEN v6 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o7 THEN v7 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o8 THEN v8 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o9 THEN v9 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o10 THEN v10 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o11 THEN v11 ELSE CAST(0 AS DOUBLE) END + CASE WHEN o12 THEN v12 ELSE CAST(0 AS DOUBLE) END
        ) / (
          CASE WHEN tot > 0 THEN tot END
        ) AS off_season_share,
        bm AS buying_months
      FROM f17
      CROSS JOIN f16
    ), f19 AS (
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
        t."active_months_12m",
        t."revenue_12m",
        t."revenue_prev_12m",
        t."growth",
        t."revenue_share",
        x.peak_month AS "peak_month",
        x.peak_months AS "peak_months",
        x.peak_season_share AS "peak_season_share",
        x.off_season_share AS "off_season_share",
        COALESCE(x.buying_months, 0) AS "buying_months"
      FROM f6 AS t
      LEFT JOIN f18 AS x
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
      "active_months_12m",
      "revenue_12m",
      "revenue_prev_12m",
      "growth",
      "revenue_share",
      "peak_month",
      "peak_months",
      "peak_season_share",
      "off_season_share",
      "buying_months"
    FROM f19
    ORDER BY
      "_tierkit_row"
  ) AS tk_input
) AS tk_flags

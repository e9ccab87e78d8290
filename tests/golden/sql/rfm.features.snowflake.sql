SELECT
  *,
  CASE
    WHEN "tk_match_champions"
    THEN 'champions'
    WHEN "tk_match_loyal"
    THEN 'loyal'
    WHEN "tk_match_potential_loyalist"
    THEN 'potential_loyalist'
    WHEN "tk_match_new_customers"
    THEN 'new_customers'
    WHEN "tk_match_promising"
    THEN 'promising'
    WHEN "tk_match_need_attention"
    THEN 'need_attention'
    WHEN "tk_match_about_to_sleep"
    THEN 'about_to_sleep'
    WHEN "tk_match_at_risk"
    THEN 'at_risk'
    WHEN "tk_match_cant_lose"
    THEN 'cant_lose'
    WHEN "tk_match_hibernating"
    THEN 'hibernating'
    WHEN "tk_match_lost"
    THEN 'lost'
    ELSE 'unscored'
  END AS "tier_id",
  CASE
    WHEN "tk_match_champions"
    THEN 'Champions'
    WHEN "tk_match_loyal"
    THEN 'Loyal'
    WHEN "tk_match_potential_loyalist"
    THEN 'Potential loyalist'
    WHEN "tk_match_new_customers"
    THEN 'New / recent'
    WHEN "tk_match_promising"
    THEN 'Promising'
    WHEN "tk_match_need_attention"
    THEN 'Need attention'
    WHEN "tk_match_about_to_sleep"
    THEN 'About to sleep'
    WHEN "tk_match_at_risk"
    THEN 'At risk'
    WHEN "tk_match_cant_lose"
    THEN 'Can\'t lose them'
    WHEN "tk_match_hibernating"
    THEN 'Hibernating'
    WHEN "tk_match_lost"
    THEN 'Lost'
    ELSE 'Not scored (no purchases)'
  END AS "tier_label"
FROM (
  SELECT
    *,
    (
      (
        COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
      )
      AND (
        COALESCE("fm_score" >= CAST(9.0 AS DOUBLE), FALSE)
      )
    )
    AND (
      NOT (
        (
          "r_score" IS NULL
        )
        OR (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            "fm_score" IS NULL
          )
        )
      )
    ) AS "tk_match_champions",
    (
      "r_score" IS NULL
    )
    OR (
      (
        COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
      )
      AND (
        "fm_score" IS NULL
      )
    ) AS "tk_error_champions",
    (
      (
        (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            COALESCE("fm_score" >= CAST(7.0 AS DOUBLE), FALSE)
          )
        )
        AND (
          COALESCE("fm_score" <= CAST(8.0 AS DOUBLE), FALSE)
        )
      )
      OR (
        (
          COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
        )
        AND (
          COALESCE("fm_score" >= CAST(7.0 AS DOUBLE), FALSE)
        )
      )
    )
    AND (
      NOT (
        (
          (
            (
              "r_score" IS NULL
            )
            OR (
              (
                COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
              )
              AND (
                "fm_score" IS NULL
              )
            )
          )
          OR (
            (
              (
                COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
              )
              AND (
                COALESCE("fm_score" >= CAST(7.0 AS DOUBLE), FALSE)
              )
            )
            AND (
              "fm_score" IS NULL
            )
          )
        )
        OR (
          (
            NOT (
              (
                (
                  COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
                )
                AND (
                  COALESCE("fm_score" >= CAST(7.0 AS DOUBLE), FALSE)
                )
              )
              AND (
                COALESCE("fm_score" <= CAST(8.0 AS DOUBLE), FALSE)
              )
            )
          )
          AND (
            (
              COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
            )
            AND (
              "fm_score" IS NULL
            )
          )
        )
      )
    ) AS "tk_match_loyal",
    (
      (
        (
          "r_score" IS NULL
        )
        OR (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            "fm_score" IS NULL
          )
        )
      )
      OR (
        (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            COALESCE("fm_score" >= CAST(7.0 AS DOUBLE), FALSE)
          )
        )
        AND (
          "fm_score" IS NULL
        )
      )
    )
    OR (
      (
        NOT (
          (
            (
              COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
            )
            AND (
              COALESCE("fm_score" >= CAST(7.0 AS DOUBLE), FALSE)
            )
          )
          AND (
            COALESCE("fm_score" <= CAST(8.0 AS DOUBLE), FALSE)
          )
        )
      )
      AND (
        (
          COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
        )
        AND (
          "fm_score" IS NULL
        )
      )
    ) AS "tk_error_loyal",
    (
      (
        (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            COALESCE("f_score" >= CAST(2.0 AS DOUBLE), FALSE)
          )
        )
        AND (
          COALESCE("fm_score" >= CAST(5.0 AS DOUBLE), FALSE)
        )
      )
      AND (
        COALESCE("fm_score" <= CAST(6.0 AS DOUBLE), FALSE)
      )
    )
    AND (
      NOT (
        (
          (
            (
              "r_score" IS NULL
            )
            OR (
              (
                COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
              )
              AND (
                "f_score" IS NULL
              )
            )
          )
          OR (
            (
              (
                COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
              )
              AND (
                COALESCE("f_score" >= CAST(2.0 AS DOUBLE), FALSE)
              )
            )
            AND (
              "fm_score" IS NULL
            )
          )
        )
        OR (
          (
            (
              (
                COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
              )
              AND (
                COALESCE("f_score" >= CAST(2.0 AS DOUBLE), FALSE)
              )
            )
            AND (
              COALESCE("fm_score" >= CAST(5.0 AS DOUBLE), FALSE)
            )
          )
          AND (
            "fm_score" IS NULL
          )
        )
      )
    ) AS "tk_match_potential_loyalist",
    (
      (
        (
          "r_score" IS NULL
        )
        OR (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            "f_score" IS NULL
          )
        )
      )
      OR (
        (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            COALESCE("f_score" >= CAST(2.0 AS DOUBLE), FALSE)
          )
        )
        AND (
          "fm_score" IS NULL
        )
      )
    )
    OR (
      (
        (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            COALESCE("f_score" >= CAST(2.0 AS DOUBLE), FALSE)
          )
        )
        AND (
          COALESCE("fm_score" >= CAST(5.0 AS DOUBLE), FALSE)
        )
      )
      AND (
        "fm_score" IS NULL
      )
    ) AS "tk_error_potential_loyalist",
    (
      COALESCE("r_score" = CAST(5.0 AS DOUBLE), FALSE)
    )
    AND (
      COALESCE("f_score" = CAST(1.0 AS DOUBLE), FALSE)
    ) AS "tk_match_new_customers",
    FALSE AS "tk_error_new_customers",
    (
      (
        (
          COALESCE("r_score" = CAST(4.0 AS DOUBLE), FALSE)
        )
        AND (
          COALESCE("f_score" = CAST(1.0 AS DOUBLE), FALSE)
        )
      )
      OR (
        (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            COALESCE("f_score" >= CAST(2.0 AS DOUBLE), FALSE)
          )
        )
        AND (
          COALESCE("fm_score" <= CAST(4.0 AS DOUBLE), FALSE)
        )
      )
    )
    AND (
      NOT (
        (
          NOT (
            (
              COALESCE("r_score" = CAST(4.0 AS DOUBLE), FALSE)
            )
            AND (
              COALESCE("f_score" = CAST(1.0 AS DOUBLE), FALSE)
            )
          )
        )
        AND (
          (
            (
              "r_score" IS NULL
            )
            OR (
              (
                COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
              )
              AND (
                "f_score" IS NULL
              )
            )
          )
          OR (
            (
              (
                COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
              )
              AND (
                COALESCE("f_score" >= CAST(2.0 AS DOUBLE), FALSE)
              )
            )
            AND (
              "fm_score" IS NULL
            )
          )
        )
      )
    ) AS "tk_match_promising",
    (
      NOT (
        (
          COALESCE("r_score" = CAST(4.0 AS DOUBLE), FALSE)
        )
        AND (
          COALESCE("f_score" = CAST(1.0 AS DOUBLE), FALSE)
        )
      )
    )
    AND (
      (
        (
          "r_score" IS NULL
        )
        OR (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            "f_score" IS NULL
          )
        )
      )
      OR (
        (
          (
            COALESCE("r_score" >= CAST(4.0 AS DOUBLE), FALSE)
          )
          AND (
            COALESCE("f_score" >= CAST(2.0 AS DOUBLE), FALSE)
          )
        )
        AND (
          "fm_score" IS NULL
        )
      )
    ) AS "tk_error_promising",
    (
      (
        (
          COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
        )
        AND (
          COALESCE("fm_score" >= CAST(5.0 AS DOUBLE), FALSE)
        )
      )
      AND (
        COALESCE("fm_score" <= CAST(6.0 AS DOUBLE), FALSE)
      )
    )
    AND (
      NOT (
        (
          (
            COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
          )
          AND (
            "fm_score" IS NULL
          )
        )
        OR (
          (
            (
              COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
            )
            AND (
              COALESCE("fm_score" >= CAST(5.0 AS DOUBLE), FALSE)
            )
          )
          AND (
            "fm_score" IS NULL
          )
        )
      )
    ) AS "tk_match_need_attention",
    (
      (
        COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
      )
      AND (
        "fm_score" IS NULL
      )
    )
    OR (
      (
        (
          COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
        )
        AND (
          COALESCE("fm_score" >= CAST(5.0 AS DOUBLE), FALSE)
        )
      )
      AND (
        "fm_score" IS NULL
      )
    ) AS "tk_error_need_attention",
    (
      (
        COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
      )
      AND (
        COALESCE("fm_score" <= CAST(4.0 AS DOUBLE), FALSE)
      )
    )
    AND (
      NOT (
        (
          COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
        )
        AND (
          "fm_score" IS NULL
        )
      )
    ) AS "tk_match_about_to_sleep",
    (
      COALESCE("r_score" = CAST(3.0 AS DOUBLE), FALSE)
    )
    AND (
      "fm_score" IS NULL
    ) AS "tk_error_about_to_sleep",
    (
      (
        (
          COALESCE("r_score" <= CAST(2.0 AS DOUBLE), FALSE)
        )
        AND (
          COALESCE("fm_score" >= CAST(6.0 AS DOUBLE), FALSE)
        )
      )
      AND (
        COALESCE("fm_score" <= CAST(8.0 AS DOUBLE), FALSE)
      )
    )
    AND (
      NOT (
        (
          (
            "r_score" IS NULL
          )
          OR (
            (
              COALESCE("r_score" <= CAST(2.0 AS DOUBLE), FALSE)
            )
            AND (
              "fm_score" IS NULL
            )
          )
        )
        OR (
          (
            (
              COALESCE("r_score" <= CAST(2.0 AS DOUBLE), FALSE)
            )
            AND (
              COALESCE("fm_score" >= CAST(6.0 AS DOUBLE), FALSE)
            )
          )
          AND (
            "fm_score" IS NULL
          )
        )
      )
    ) AS "tk_match_at_risk",
    (
      (
        "r_score" IS NULL
      )
      OR (
        (
          COALESCE("r_score" <= CAST(2.0 AS DOUBLE), FALSE)
        )
        AND (
          "fm_score" IS NULL
        )
      )
    )
    OR (
      (
        (
          COALESCE("r_score" <= CAST(2.0 AS DOUBLE), FALSE)
        )
        AND (
          COALESCE("fm_score" >= CAST(6.0 AS DOUBLE), FALSE)
        )
      )
      AND (
        "fm_score" IS NULL
      )
    ) AS "tk_error_at_risk",
    (
      (
        COALESCE("r_score" <= CAST(2.0 AS DOUBLE), FALSE)
      )
      AND (
        COALESCE("fm_score" >= CAST(9.0 AS DOUBLE), FALSE)
      )
    )
    AND (
      NOT (
        (
          "r_score" IS NULL
        )
        OR (
          (
            COALESCE("r_score" <= CAST(2.0 AS DOUBLE), FALSE)
          )
          AND (
            "fm_score" IS NULL
          )
        )
      )
    ) AS "tk_match_cant_lose",
    (
      "r_score" IS NULL
    )
    OR (
      (
        COALESCE("r_score" <= CAST(2.0 AS DOUBLE), FALSE)
      )
      AND (
        "fm_score" IS NULL
      )
    ) AS "tk_error_cant_lose",
    (
      (
        COALESCE("r_score" = CAST(2.0 AS DOUBLE), FALSE)
      )
      AND (
        COALESCE("fm_score" <= CAST(5.0 AS DOUBLE), FALSE)
      )
    )
    AND (
      NOT (
        (
          COALESCE("r_score" = CAST(2.0 AS DOUBLE), FALSE)
        )
        AND (
          "fm_score" IS NULL
        )
      )
    ) AS "tk_match_hibernating",
    (
      COALESCE("r_score" = CAST(2.0 AS DOUBLE), FALSE)
    )
    AND (
      "fm_score" IS NULL
    ) AS "tk_error_hibernating",
    (
      (
        COALESCE("r_score" = CAST(1.0 AS DOUBLE), FALSE)
      )
      AND (
        COALESCE("fm_score" <= CAST(5.0 AS DOUBLE), FALSE)
      )
    )
    AND (
      NOT (
        (
          COALESCE("r_score" = CAST(1.0 AS DOUBLE), FALSE)
        )
        AND (
          "fm_score" IS NULL
        )
      )
    ) AS "tk_match_lost",
    (
      COALESCE("r_score" = CAST(1.0 AS DOUBLE), FALSE)
    )
    AND (
      "fm_score" IS NULL
    ) AS "tk_error_lost"
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
        DATEDIFF(DAY, CAST("last_purchase" AS DATE), CAST('2024-12-31' AS DATE)) AS "recency_days",
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
        "revenue_share"
      FROM f8
    ), f10 AS (
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
        CASE
          WHEN CAST("recency_days" AS DOUBLE) IS NULL
          THEN NULL
          ELSE LEAST_IGNORE_NULLS(
            CAST(FLOOR(
              (
                (
                  (
                    (
                      CAST(RANK() OVER (
                        PARTITION BY CAST("recency_days" AS DOUBLE) IS NULL
                        ORDER BY CAST("recency_days" AS DOUBLE) DESC NULLS LAST
                      ) AS DOUBLE) + CAST(COUNT(*) OVER (
                        PARTITION BY CAST("recency_days" AS DOUBLE) IS NULL
                        ORDER BY CAST("recency_days" AS DOUBLE) DESC NULLS LAST
                      ) AS DOUBLE)
                    ) / CAST(2 AS DOUBLE)
                  ) - CAST(0.5 AS DOUBLE)
                ) / NULLIF(CAST(COUNT(CAST("recency_days" AS DOUBLE)) OVER () AS DOUBLE), 0)
              ) * CAST(5 AS DOUBLE)
            ) AS BIGINT) + 1,
            CAST(5 AS BIGINT)
          )
        END AS "r_score"
      FROM f9
    ), f11 AS (
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
        "r_score",
        CASE
          WHEN NULLIF(CAST("frequency" AS DOUBLE), 0) IS NULL
          THEN NULL
          ELSE LEAST_IGNORE_NULLS(
            CAST(FLOOR(
              (
                (
                  (
                    (
                      CAST(RANK() OVER (
                        PARTITION BY NULLIF(CAST("frequency" AS DOUBLE), 0) IS NULL
                        ORDER BY NULLIF(CAST("frequency" AS DOUBLE), 0) ASC
                      ) AS DOUBLE) + CAST(COUNT(*) OVER (
                        PARTITION BY NULLIF(CAST("frequency" AS DOUBLE), 0) IS NULL
                        ORDER BY NULLIF(CAST("frequency" AS DOUBLE), 0) ASC
                      ) AS DOUBLE)
                    ) / CAST(2 AS DOUBLE)
                  ) - CAST(0.5 AS DOUBLE)
                ) / NULLIF(CAST(COUNT(NULLIF(CAST("frequency" AS DOUBLE), 0)) OVER () AS DOUBLE), 0)
              ) * CAST(5 AS DOUBLE)
            ) AS BIGINT) + 1,
            CAST(5 AS BIGINT)
          )
        END AS "f_score"
      FROM f10
    ), f12 AS (
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
        "r_score",
        "f_score",
        CASE
          WHEN CAST("revenue" AS DOUBLE) IS NULL
          THEN NULL
          ELSE LEAST_IGNORE_NULLS(
            CAST(FLOOR(
              (
                (
                  (
                    (
                      CAST(RANK() OVER (
                        PARTITION BY CAST("revenue" AS DOUBLE) IS NULL
                        ORDER BY CAST("revenue" AS DOUBLE) ASC
                      ) AS DOUBLE) + CAST(COUNT(*) OVER (
                        PARTITION BY CAST("revenue" AS DOUBLE) IS NULL
                        ORDER BY CAST("revenue" AS DOUBLE) ASC
                      ) AS DOUBLE)
                    ) / CAST(2 AS DOUBLE)
                  ) - CAST(0.5 AS DOUBLE)
                ) / NULLIF(CAST(COUNT(CAST("revenue" AS DOUBLE)) OVER () AS DOUBLE), 0)
              ) * CAST(5 AS DOUBLE)
            ) AS BIGINT) + 1,
            CAST(5 AS BIGINT)
          )
        END AS "m_score"
      FROM f11
    ), f13 AS (
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
        "r_score",
        "f_score",
        "m_score",
        (
          CAST("f_score" AS DOUBLE) + CAST("m_score" AS DOUBLE)
        ) AS "fm_score"
      FROM f12
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
      "r_score",
      "f_score",
      "m_score",
      "fm_score"
    FROM f13
    ORDER BY
      "_tierkit_row"
  ) AS tk_input
) AS tk_flags

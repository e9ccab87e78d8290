SELECT
  *,
  CASE
    WHEN `tk_match_bearings`
    THEN 'bearings'
    WHEN `tk_match_motors`
    THEN 'motors'
    WHEN `tk_match_sensors`
    THEN 'sensors'
    WHEN `tk_match_valves`
    THEN 'valves'
    WHEN `tk_match_reducers`
    THEN 'reducers'
    WHEN `tk_match_drives`
    THEN 'drives'
    WHEN `tk_match_cables`
    THEN 'cables'
    WHEN `tk_match_fasteners`
    THEN 'fasteners'
    WHEN `tk_match_tools`
    THEN 'tools'
    WHEN `tk_match_lubricants`
    THEN 'lubricants'
    ELSE 'other_product'
  END AS `tier_id`,
  CASE
    WHEN `tk_match_bearings`
    THEN 'Bearings'
    WHEN `tk_match_motors`
    THEN 'Motors'
    WHEN `tk_match_sensors`
    THEN 'Sensors'
    WHEN `tk_match_valves`
    THEN 'Valves'
    WHEN `tk_match_reducers`
    THEN 'Gear reducers'
    WHEN `tk_match_drives`
    THEN 'Frequency inverters'
    WHEN `tk_match_cables`
    THEN 'Cables'
    WHEN `tk_match_fasteners`
    THEN 'Fasteners'
    WHEN `tk_match_tools`
    THEN 'Tools'
    WHEN `tk_match_lubricants`
    THEN 'Lubricants'
    ELSE 'Other product or no order yet'
  END AS `tier_label`
FROM (
  SELECT
    *,
    (
      COALESCE(`main_product` IN ('轴承'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_bearings`,
    FALSE AS `tk_error_bearings`,
    (
      COALESCE(`main_product` IN ('电机'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_motors`,
    FALSE AS `tk_error_motors`,
    (
      COALESCE(`main_product` IN ('传感器'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_sensors`,
    FALSE AS `tk_error_sensors`,
    (
      COALESCE(`main_product` IN ('阀门'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_valves`,
    FALSE AS `tk_error_valves`,
    (
      COALESCE(`main_product` IN ('减速机'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_reducers`,
    FALSE AS `tk_error_reducers`,
    (
      COALESCE(`main_product` IN ('变频器'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_drives`,
    FALSE AS `tk_error_drives`,
    (
      COALESCE(`main_product` IN ('线缆'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_cables`,
    FALSE AS `tk_error_cables`,
    (
      COALESCE(`main_product` IN ('紧固件'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_fasteners`,
    FALSE AS `tk_error_fasteners`,
    (
      COALESCE(`main_product` IN ('工具'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_tools`,
    FALSE AS `tk_error_tools`,
    (
      COALESCE(`main_product` IN ('润滑油'), FALSE)
    )
    AND (
      NOT (
        `main_product` IS NULL
      )
    ) AS `tk_match_lubricants`,
    FALSE AS `tk_error_lubricants`
  FROM (
    WITH f0 AS (
      SELECT
        *,
        ROW_NUMBER() OVER () AS `_tierkit_row`
      FROM crm.customers
    ), f1 AS (
      SELECT
        *
      FROM (
        SELECT
          CASE
            WHEN REGEXP_CONTAINS(NULLIF(TRIM(NORMALIZE(CAST(`客户编号` AS STRING), NFKC)), ''), '^-?[0-9]+\\.0*$')
            THEN SPLIT_PART(NULLIF(TRIM(NORMALIZE(CAST(`客户编号` AS STRING), NFKC)), ''), '.', 1)
            ELSE NULLIF(TRIM(NORMALIZE(CAST(`客户编号` AS STRING), NFKC)), '')
          END AS k,
          CAST(`下单日期` AS DATE) AS d,
          COALESCE(CAST(`金额` AS FLOAT64), 0) AS amt
        FROM crm.orders
      ) AS s
      WHERE
        NOT k IS NULL
        AND NOT RTRIM(LOWER(REGEXP_REPLACE(CAST(k AS STRING), '[\\s_]', '')), ':') IN ('grandtotal', 'subtotal', 'sum', 'total', '合計', '合计', '小計', '小计', '总计', '總計')
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
        DATE_DIFF(st, MAX(d), DAY) AS recency_days,
        DATE_DIFF(st, MIN(d), DAY) AS tenure_days,
        COUNT(*) AS frequency,
        CAST(SUM(CAST(amt AS BIGNUMERIC)) AS FLOAT64) AS monetary,
        CAST(SUM(CAST(amt AS BIGNUMERIC)) AS FLOAT64) / NULLIF(COUNT(*), 0) AS avg_order_value,
        MIN(d) AS first_purchase,
        MAX(d) AS last_purchase,
        COUNT(
          DISTINCT CASE
            WHEN (
              d > st - INTERVAL '365' DAY AND d <= st
            )
            THEN EXTRACT(YEAR FROM d) * 12 + EXTRACT(MONTH FROM d)
          END
        ) AS active_months_12m,
        CAST(SUM(
          CAST(CASE
            WHEN (
              d > st - INTERVAL '365' DAY AND d <= st
            )
            THEN amt
            ELSE CAST(0 AS FLOAT64)
          END AS BIGNUMERIC)
        ) AS FLOAT64) AS revenue_12m,
        CAST(SUM(
          CAST(CASE
            WHEN (
              d > st - INTERVAL '730' DAY AND d <= st - INTERVAL '365' DAY
            )
            THEN amt
            ELSE CAST(0 AS FLOAT64)
          END AS BIGNUMERIC)
        ) AS FLOAT64) AS revenue_prev_12m
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
        t.`_tierkit_row`,
        t.`客户编号`,
        t.`客户名称`,
        t.`Customer name`,
        t.`区域`,
        t.`城市`,
        t.`行业`,
        t.`客户经理`,
        t.`获客渠道`,
        t.`客户来源`,
        t.`购买偏好`,
        t.`信用等级`,
        t.`逾期次数`,
        t.`我方份额`,
        t.`服务成本`,
        t.`高层关系`,
        t.`合作难度`,
        t.`产品风险`,
        t.`财务风险`,
        t.`信用风险`,
        t.`管理风险`,
        t.`政治风险`,
        t.`竞争对手产品`,
        t.`竞争对手实力`,
        t.`切入机会`,
        t.`各部门偏好不同`,
        t.`平均库存`,
        t.`业态`,
        t.`技术支持次数`,
        t.`用户类型`,
        x.recency_days AS `recency_days`,
        x.tenure_days AS `tenure_days`,
        COALESCE(x.frequency, 0) AS `frequency`,
        x.monetary AS `revenue`,
        x.avg_order_value AS `avg_order_value`,
        x.first_purchase AS `first_purchase`,
        x.last_purchase AS `last_purchase`,
        COALESCE(x.active_months_12m, 0) AS `active_months_12m`,
        x.revenue_12m AS `revenue_12m`,
        x.revenue_prev_12m AS `revenue_prev_12m`,
        x.growth AS `growth`,
        x.revenue_share AS `revenue_share`
      FROM f0 AS t
      LEFT JOIN f5 AS x
        ON x.k = CASE
          WHEN REGEXP_CONTAINS(NULLIF(TRIM(NORMALIZE(CAST(t.`客户编号` AS STRING), NFKC)), ''), '^-?[0-9]+\\.0*$')
          THEN SPLIT_PART(NULLIF(TRIM(NORMALIZE(CAST(t.`客户编号` AS STRING), NFKC)), ''), '.', 1)
          ELSE NULLIF(TRIM(NORMALIZE(CAST(t.`客户编号` AS STRING), NFKC)), '')
        END
    ), f7 AS (
      SELECT
        *
      FROM (
        SELECT
          CASE
            WHEN REGEXP_CONTAINS(
              NULLIF(
                TRIM(
                  TRANSLATE(
                    CAST(`客户编号` AS STRING),
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
                    CAST(`客户编号` AS STRING),
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
                  CAST(`客户编号` AS STRING),
                  '              　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｟｠￠￡￢￤￥￦￨￩￪￫￬￭￮',
                  '               !"#$%&\'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⦅⦆¢£¬¦¥₩│←↑→↓■○'
                )
              ),
              ''
            )
          END AS k,
          COALESCE(CAST(`金额` AS FLOAT64), 0) AS amt,
          CASE
            WHEN REGEXP_REPLACE(
              CAST(`产品` AS STRING),
              '^[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+|[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+$',
              ''
            ) = ''
            OR UPPER(
              REGEXP_REPLACE(
                CAST(`产品` AS STRING),
                '^[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+|[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+$',
                ''
              )
            ) IN (
              '#BLOCKED!',
              '#BUSY!',
              '#CALC!',
              '#DIV/0!',
              '#FIELD!',
              '#GETTING_DATA',
              '#N/A',
              '#N/A!',
              '#NAME?',
              '#NULL!',
              '#NUM!',
              '#REF!',
              '#SPILL!',
              '#UNKNOWN!',
              '#VALUE!'
            )
            THEN NULL
            ELSE REGEXP_REPLACE(
              CAST(`产品` AS STRING),
              '^[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+|[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+$',
              ''
            )
          END AS prod,
          CAST(`下单日期` AS DATE) AS d
        FROM crm.orders
      ) AS s
      WHERE
        NOT k IS NULL
        AND NOT RTRIM(LOWER(REGEXP_REPLACE(CAST(k AS STRING), '[\\s_]', '')), ':') IN ('grandtotal', 'subtotal', 'sum', 'total', '合計', '合计', '小計', '小计', '总计', '總計')
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
        prod,
        CAST(SUM(CAST(amt AS BIGNUMERIC)) AS FLOAT64) AS amt
      FROM f9
      WHERE
        NOT prod IS NULL
      GROUP BY
        k,
        prod
    ), f11 AS (
      SELECT
        k,
        prod,
        amt,
        ROW_NUMBER() OVER (PARTITION BY k ORDER BY amt DESC, prod ASC NULLS LAST) AS r,
        SUM(amt) OVER (PARTITION BY k) AS pos
      FROM f10
      WHERE
        amt > 0
    ), f12 AS (
      SELECT
        k,
        prod AS main_product,
        amt / pos AS main_product_share
      FROM f11
      WHERE
        r = 1
    ), f13 AS (
      SELECT
        t.`_tierkit_row`,
        t.`客户编号`,
        t.`客户名称`,
        t.`Customer name`,
        t.`区域`,
        t.`城市`,
        t.`行业`,
        t.`客户经理`,
        t.`获客渠道`,
        t.`客户来源`,
        t.`购买偏好`,
        t.`信用等级`,
        t.`逾期次数`,
        t.`我方份额`,
        t.`服务成本`,
        t.`高层关系`,
        t.`合作难度`,
        t.`产品风险`,
        t.`财务风险`,
        t.`信用风险`,
        t.`管理风险`,
        t.`政治风险`,
        t.`竞争对手产品`,
        t.`竞争对手实力`,
        t.`切入机会`,
        t.`各部门偏好不同`,
        t.`平均库存`,
        t.`业态`,
        t.`技术支持次数`,
        t.`用户类型`,
        t.`recency_days`,
        t.`tenure_days`,
        t.`frequency`,
        t.`revenue`,
        t.`avg_order_value`,
        t.`first_purchase`,
        t.`last_purchase`,
        t.`active_months_12m`,
        t.`revenue_12m`,
        t.`revenue_prev_12m`,
        t.`growth`,
        t.`revenue_share`,
        x.main_product AS `main_product`,
        x.main_product_share AS `main_product_share`
      FROM f6 AS t
      LEFT JOIN f12 AS x
        ON x.k = CASE
          WHEN REGEXP_CONTAINS(NULLIF(TRIM(NORMALIZE(CAST(t.`客户编号` AS STRING), NFKC)), ''), '^-?[0-9]+\\.0*$')
          THEN SPLIT_PART(NULLIF(TRIM(NORMALIZE(CAST(t.`客户编号` AS STRING), NFKC)), ''), '.', 1)
          ELSE NULLIF(TRIM(NORMALIZE(CAST(t.`客户编号` AS STRING), NFKC)), '')
        END
    )
    SELECT
      `客户编号`,
      `客户名称`,
      `Customer name`,
      `区域`,
      `城市`,
      `行业`,
      `客户经理`,
      `获客渠道`,
      `客户来源`,
      `购买偏好`,
      `信用等级`,
      `逾期次数`,
      `我方份额`,
      `服务成本`,
      `高层关系`,
      `合作难度`,
      `产品风险`,
      `财务风险`,
      `信用风险`,
      `管理风险`,
      `政治风险`,
      `竞争对手产品`,
      `竞争对手实力`,
      `切入机会`,
      `各部门偏好不同`,
      `平均库存`,
      `业态`,
      `技术支持次数`,
      `用户类型`,
      `recency_days`,
      `tenure_days`,
      `frequency`,
      `revenue`,
      `avg_order_value`,
      `first_purchase`,
      `last_purchase`,
      `active_months_12m`,
      `revenue_12m`,
      `revenue_prev_12m`,
      `growth`,
      `revenue_share`,
      `main_product`,
      `main_product_share`
    FROM f13
    ORDER BY
      `_tierkit_row` NULLS LAST
  ) AS tk_input
) AS tk_flags

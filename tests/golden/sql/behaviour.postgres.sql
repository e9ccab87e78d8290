SELECT
  *,
  COALESCE(
    NULLIF(
      SUBSTRING('' || CASE WHEN "tk_match_buy_frequent" THEN ', buy_frequent' ELSE '' END || CASE WHEN "tk_match_buy_occasional" THEN ', buy_occasional' ELSE '' END || CASE WHEN "tk_match_buy_none" THEN ', buy_none' ELSE '' END || CASE WHEN "tk_match_usage_store" THEN ', usage_store' ELSE '' END || CASE WHEN "tk_match_usage_online" THEN ', usage_online' ELSE '' END || CASE WHEN "tk_match_usage_both" THEN ', usage_both' ELSE '' END || CASE WHEN "tk_match_usage_unknown" THEN ', usage_unknown' ELSE '' END || CASE WHEN "tk_match_feedback_complaint" THEN ', feedback_complaint' ELSE '' END || CASE WHEN "tk_match_feedback_suggestion" THEN ', feedback_suggestion' ELSE '' END || CASE WHEN "tk_match_feedback_praise" THEN ', feedback_praise' ELSE '' END || CASE WHEN "tk_match_feedback_none" THEN ', feedback_none' ELSE '' END || CASE WHEN "tk_match_service_satisfied" THEN ', service_satisfied' ELSE '' END || CASE WHEN "tk_match_service_neutral" THEN ', service_neutral' ELSE '' END || CASE WHEN "tk_match_service_dissatisfied" THEN ', service_dissatisfied' ELSE '' END || CASE WHEN "tk_match_service_unrated" THEN ', service_unrated' ELSE '' END FROM 3),
      ''
    ),
    NULL
  ) AS "tier_id",
  COALESCE(
    NULLIF(
      SUBSTRING('' || CASE WHEN "tk_match_buy_frequent" THEN ', Frequent buyer' ELSE '' END || CASE WHEN "tk_match_buy_occasional" THEN ', Occasional buyer' ELSE '' END || CASE WHEN "tk_match_buy_none" THEN ', No purchases yet (behaviour)' ELSE '' END || CASE WHEN "tk_match_usage_store" THEN ', Mostly in store' ELSE '' END || CASE WHEN "tk_match_usage_online" THEN ', Mostly online' ELSE '' END || CASE WHEN "tk_match_usage_both" THEN ', Store and online' ELSE '' END || CASE WHEN "tk_match_usage_unknown" THEN ', Usage habit unknown' ELSE '' END || CASE WHEN "tk_match_feedback_complaint" THEN ', Complained' ELSE '' END || CASE WHEN "tk_match_feedback_suggestion" THEN ', Made suggestions' ELSE '' END || CASE WHEN "tk_match_feedback_praise" THEN ', Praised us' ELSE '' END || CASE WHEN "tk_match_feedback_none" THEN ', No feedback' ELSE '' END || CASE WHEN "tk_match_service_satisfied" THEN ', Satisfied with service' ELSE '' END || CASE WHEN "tk_match_service_neutral" THEN ', Neutral about service' ELSE '' END || CASE
        WHEN "tk_match_service_dissatisfied"
        THEN ', Dissatisfied with service'
        ELSE ''
      END || CASE WHEN "tk_match_service_unrated" THEN ', Service not rated' ELSE '' END FROM 3),
      ''
    ),
    NULL
  ) AS "tier_label"
FROM (
  SELECT
    *,
    (
      (
        COALESCE(
          CASE
            WHEN NOT (
              "active_months_12m" IS NULL
            )
            THEN "active_months_12m"
            ELSE CAST(-1.0 AS DOUBLE PRECISION)
          END >= CAST(6.0 AS DOUBLE PRECISION),
          FALSE
        )
      )
      OR (
        (
          "active_months_12m" IS NULL
        )
        AND (
          COALESCE(
            CASE
              WHEN NOT (
                "frequency" IS NULL
              )
              THEN "frequency"
              ELSE CAST(0.0 AS DOUBLE PRECISION)
            END >= CAST(12.0 AS DOUBLE PRECISION),
            FALSE
          )
        )
      )
    )
    AND (
      NOT (
        (
          CASE
            WHEN NOT (
              "active_months_12m" IS NULL
            )
            THEN "active_months_12m"
            ELSE CAST(-1.0 AS DOUBLE PRECISION)
          END IS NULL
        )
        OR (
          (
            NOT (
              COALESCE(
                CASE
                  WHEN NOT (
                    "active_months_12m" IS NULL
                  )
                  THEN "active_months_12m"
                  ELSE CAST(-1.0 AS DOUBLE PRECISION)
                END >= CAST(6.0 AS DOUBLE PRECISION),
                FALSE
              )
            )
          )
          AND (
            (
              "active_months_12m" IS NULL
            )
            AND (
              CASE
                WHEN NOT (
                  "frequency" IS NULL
                )
                THEN "frequency"
                ELSE CAST(0.0 AS DOUBLE PRECISION)
              END IS NULL
            )
          )
        )
      )
    ) AS "tk_match_buy_frequent",
    (
      CASE
        WHEN NOT (
          "active_months_12m" IS NULL
        )
        THEN "active_months_12m"
        ELSE CAST(-1.0 AS DOUBLE PRECISION)
      END IS NULL
    )
    OR (
      (
        NOT (
          COALESCE(
            CASE
              WHEN NOT (
                "active_months_12m" IS NULL
              )
              THEN "active_months_12m"
              ELSE CAST(-1.0 AS DOUBLE PRECISION)
            END >= CAST(6.0 AS DOUBLE PRECISION),
            FALSE
          )
        )
      )
      AND (
        (
          "active_months_12m" IS NULL
        )
        AND (
          CASE
            WHEN NOT (
              "frequency" IS NULL
            )
            THEN "frequency"
            ELSE CAST(0.0 AS DOUBLE PRECISION)
          END IS NULL
        )
      )
    ) AS "tk_error_buy_frequent",
    (
      (
        (
          COALESCE(
            CASE
              WHEN NOT (
                "frequency" IS NULL
              )
              THEN "frequency"
              ELSE CAST(0.0 AS DOUBLE PRECISION)
            END >= CAST(1.0 AS DOUBLE PRECISION),
            FALSE
          )
        )
        AND (
          COALESCE(
            CASE
              WHEN NOT (
                "active_months_12m" IS NULL
              )
              THEN "active_months_12m"
              ELSE CAST(-1.0 AS DOUBLE PRECISION)
            END < CAST(6.0 AS DOUBLE PRECISION),
            FALSE
          )
        )
      )
      AND (
        NOT (
          (
            "active_months_12m" IS NULL
          )
          AND (
            COALESCE(
              CASE
                WHEN NOT (
                  "frequency" IS NULL
                )
                THEN "frequency"
                ELSE CAST(0.0 AS DOUBLE PRECISION)
              END >= CAST(12.0 AS DOUBLE PRECISION),
              FALSE
            )
          )
        )
      )
    )
    AND (
      NOT (
        (
          (
            CASE
              WHEN NOT (
                "frequency" IS NULL
              )
              THEN "frequency"
              ELSE CAST(0.0 AS DOUBLE PRECISION)
            END IS NULL
          )
          OR (
            (
              COALESCE(
                CASE
                  WHEN NOT (
                    "frequency" IS NULL
                  )
                  THEN "frequency"
                  ELSE CAST(0.0 AS DOUBLE PRECISION)
                END >= CAST(1.0 AS DOUBLE PRECISION),
                FALSE
              )
            )
            AND (
              CASE
                WHEN NOT (
                  "active_months_12m" IS NULL
                )
                THEN "active_months_12m"
                ELSE CAST(-1.0 AS DOUBLE PRECISION)
              END IS NULL
            )
          )
        )
        OR (
          (
            (
              COALESCE(
                CASE
                  WHEN NOT (
                    "frequency" IS NULL
                  )
                  THEN "frequency"
                  ELSE CAST(0.0 AS DOUBLE PRECISION)
                END >= CAST(1.0 AS DOUBLE PRECISION),
                FALSE
              )
            )
            AND (
              COALESCE(
                CASE
                  WHEN NOT (
                    "active_months_12m" IS NULL
                  )
                  THEN "active_months_12m"
                  ELSE CAST(-1.0 AS DOUBLE PRECISION)
                END < CAST(6.0 AS DOUBLE PRECISION),
                FALSE
              )
            )
          )
          AND (
            (
              "active_months_12m" IS NULL
            )
            AND (
              CASE
                WHEN NOT (
                  "frequency" IS NULL
                )
                THEN "frequency"
                ELSE CAST(0.0 AS DOUBLE PRECISION)
              END IS NULL
            )
          )
        )
      )
    ) AS "tk_match_buy_occasional",
    (
      (
        CASE
          WHEN NOT (
            "frequency" IS NULL
          )
          THEN "frequency"
          ELSE CAST(0.0 AS DOUBLE PRECISION)
        END IS NULL
      )
      OR (
        (
          COALESCE(
            CASE
              WHEN NOT (
                "frequency" IS NULL
              )
              THEN "frequency"
              ELSE CAST(0.0 AS DOUBLE PRECISION)
            END >= CAST(1.0 AS DOUBLE PRECISION),
            FALSE
          )
        )
        AND (
          CASE
            WHEN NOT (
              "active_months_12m" IS NULL
            )
            THEN "active_months_12m"
            ELSE CAST(-1.0 AS DOUBLE PRECISION)
          END IS NULL
        )
      )
    )
    OR (
      (
        (
          COALESCE(
            CASE
              WHEN NOT (
                "frequency" IS NULL
              )
              THEN "frequency"
              ELSE CAST(0.0 AS DOUBLE PRECISION)
            END >= CAST(1.0 AS DOUBLE PRECISION),
            FALSE
          )
        )
        AND (
          COALESCE(
            CASE
              WHEN NOT (
                "active_months_12m" IS NULL
              )
              THEN "active_months_12m"
              ELSE CAST(-1.0 AS DOUBLE PRECISION)
            END < CAST(6.0 AS DOUBLE PRECISION),
            FALSE
          )
        )
      )
      AND (
        (
          "active_months_12m" IS NULL
        )
        AND (
          CASE
            WHEN NOT (
              "frequency" IS NULL
            )
            THEN "frequency"
            ELSE CAST(0.0 AS DOUBLE PRECISION)
          END IS NULL
        )
      )
    ) AS "tk_error_buy_occasional",
    COALESCE(
      CASE
        WHEN NOT (
          "frequency" IS NULL
        )
        THEN "frequency"
        ELSE CAST(0.0 AS DOUBLE PRECISION)
      END = CAST(0.0 AS DOUBLE PRECISION),
      FALSE
    ) AS "tk_match_buy_none",
    FALSE AS "tk_error_buy_none",
    (
      COALESCE("usage" IN ('门店为主', '门店', '线下', 'store', 'Store', 'in store', 'offline'), FALSE)
    )
    AND (
      NOT (
        "usage" IS NULL
      )
    ) AS "tk_match_usage_store",
    FALSE AS "tk_error_usage_store",
    (
      COALESCE("usage" IN ('线上为主', '线上', 'online', 'Online', 'App', 'app'), FALSE)
    )
    AND (
      NOT (
        "usage" IS NULL
      )
    ) AS "tk_match_usage_online",
    FALSE AS "tk_error_usage_online",
    (
      COALESCE("usage" IN ('线上线下', '线上线下兼用', '全渠道', 'both', 'Both', 'omnichannel'), FALSE)
    )
    AND (
      NOT (
        "usage" IS NULL
      )
    ) AS "tk_match_usage_both",
    FALSE AS "tk_error_usage_both",
    NOT (
      (
        COALESCE(
          "usage" IN (
            '门店为主',
            '门店',
            '线下',
            'store',
            'Store',
            'in store',
            'offline',
            '线上为主',
            '线上',
            'online',
            'Online',
            'App',
            'app',
            '线上线下',
            '线上线下兼用',
            '全渠道',
            'both',
            'Both',
            'omnichannel'
          ),
          FALSE
        )
      )
      AND (
        NOT (
          "usage" IS NULL
        )
      )
    ) AS "tk_match_usage_unknown",
    FALSE AS "tk_error_usage_unknown",
    (
      COALESCE("feedback" IN ('投诉', '差评', 'complaint', 'Complaint'), FALSE)
    )
    AND (
      NOT (
        "feedback" IS NULL
      )
    ) AS "tk_match_feedback_complaint",
    FALSE AS "tk_error_feedback_complaint",
    (
      COALESCE("feedback" IN ('建议', '意见', 'suggestion', 'Suggestion'), FALSE)
    )
    AND (
      NOT (
        "feedback" IS NULL
      )
    ) AS "tk_match_feedback_suggestion",
    FALSE AS "tk_error_feedback_suggestion",
    (
      COALESCE("feedback" IN ('好评', '表扬', 'praise', 'Praise', 'positive', 'Positive'), FALSE)
    )
    AND (
      NOT (
        "feedback" IS NULL
      )
    ) AS "tk_match_feedback_praise",
    FALSE AS "tk_error_feedback_praise",
    NOT (
      (
        COALESCE(
          "feedback" IN (
            '投诉',
            '差评',
            'complaint',
            'Complaint',
            '建议',
            '意见',
            'suggestion',
            'Suggestion',
            '好评',
            '表扬',
            'praise',
            'Praise',
            'positive',
            'Positive'
          ),
          FALSE
        )
      )
      AND (
        NOT (
          "feedback" IS NULL
        )
      )
    ) AS "tk_match_feedback_none",
    FALSE AS "tk_error_feedback_none",
    (
      COALESCE("service_rating" >= CAST(4.0 AS DOUBLE PRECISION), FALSE)
    )
    AND (
      NOT (
        "service_rating" IS NULL
      )
    ) AS "tk_match_service_satisfied",
    "service_rating" IS NULL AS "tk_error_service_satisfied",
    (
      (
        COALESCE("service_rating" > CAST(2.0 AS DOUBLE PRECISION), FALSE)
      )
      AND (
        COALESCE("service_rating" < CAST(4.0 AS DOUBLE PRECISION), FALSE)
      )
    )
    AND (
      NOT (
        (
          "service_rating" IS NULL
        )
        OR (
          (
            COALESCE("service_rating" > CAST(2.0 AS DOUBLE PRECISION), FALSE)
          )
          AND (
            "service_rating" IS NULL
          )
        )
      )
    ) AS "tk_match_service_neutral",
    (
      "service_rating" IS NULL
    )
    OR (
      (
        COALESCE("service_rating" > CAST(2.0 AS DOUBLE PRECISION), FALSE)
      )
      AND (
        "service_rating" IS NULL
      )
    ) AS "tk_error_service_neutral",
    (
      COALESCE("service_rating" <= CAST(2.0 AS DOUBLE PRECISION), FALSE)
    )
    AND (
      NOT (
        "service_rating" IS NULL
      )
    ) AS "tk_match_service_dissatisfied",
    "service_rating" IS NULL AS "tk_error_service_dissatisfied",
    "service_rating" IS NULL AS "tk_match_service_unrated",
    FALSE AS "tk_error_service_unrated"
  FROM crm.customers
) AS tk_flags

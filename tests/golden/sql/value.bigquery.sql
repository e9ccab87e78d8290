SELECT
  *,
  CASE
    WHEN `tk_match_high`
    THEN 'high'
    WHEN `tk_match_medium`
    THEN 'medium'
    ELSE 'low'
  END AS `tier_id`,
  CASE
    WHEN `tk_match_high`
    THEN 'High value'
    WHEN `tk_match_medium`
    THEN 'Medium value'
    ELSE 'Low value'
  END AS `tier_label`
FROM (
  SELECT
    *,
    (
      (
        (
          COALESCE(`revenue_pct` >= CAST(0.8 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`frequency` >= CAST(6.0 AS FLOAT64), FALSE)
        )
      )
      AND (
        COALESCE(`recency_days` <= CAST(180.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          (
            `revenue_pct` IS NULL
          )
          OR (
            (
              COALESCE(`revenue_pct` >= CAST(0.8 AS FLOAT64), FALSE)
            )
            AND (
              `frequency` IS NULL
            )
          )
        )
        OR (
          (
            (
              COALESCE(`revenue_pct` >= CAST(0.8 AS FLOAT64), FALSE)
            )
            AND (
              COALESCE(`frequency` >= CAST(6.0 AS FLOAT64), FALSE)
            )
          )
          AND (
            `recency_days` IS NULL
          )
        )
      )
    ) AS `tk_match_high`,
    (
      (
        `revenue_pct` IS NULL
      )
      OR (
        (
          COALESCE(`revenue_pct` >= CAST(0.8 AS FLOAT64), FALSE)
        )
        AND (
          `frequency` IS NULL
        )
      )
    )
    OR (
      (
        (
          COALESCE(`revenue_pct` >= CAST(0.8 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`frequency` >= CAST(6.0 AS FLOAT64), FALSE)
        )
      )
      AND (
        `recency_days` IS NULL
      )
    ) AS `tk_error_high`,
    (
      (
        (
          COALESCE(`revenue_pct` >= CAST(0.5 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`recency_days` <= CAST(365.0 AS FLOAT64), FALSE)
        )
      )
      OR (
        COALESCE(`revenue_pct` >= CAST(0.8 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          (
            `revenue_pct` IS NULL
          )
          OR (
            (
              COALESCE(`revenue_pct` >= CAST(0.5 AS FLOAT64), FALSE)
            )
            AND (
              `recency_days` IS NULL
            )
          )
        )
        OR (
          (
            NOT (
              (
                COALESCE(`revenue_pct` >= CAST(0.5 AS FLOAT64), FALSE)
              )
              AND (
                COALESCE(`recency_days` <= CAST(365.0 AS FLOAT64), FALSE)
              )
            )
          )
          AND (
            `revenue_pct` IS NULL
          )
        )
      )
    ) AS `tk_match_medium`,
    (
      (
        `revenue_pct` IS NULL
      )
      OR (
        (
          COALESCE(`revenue_pct` >= CAST(0.5 AS FLOAT64), FALSE)
        )
        AND (
          `recency_days` IS NULL
        )
      )
    )
    OR (
      (
        NOT (
          (
            COALESCE(`revenue_pct` >= CAST(0.5 AS FLOAT64), FALSE)
          )
          AND (
            COALESCE(`recency_days` <= CAST(365.0 AS FLOAT64), FALSE)
          )
        )
      )
      AND (
        `revenue_pct` IS NULL
      )
    ) AS `tk_error_medium`
  FROM crm.customers
) AS tk_flags

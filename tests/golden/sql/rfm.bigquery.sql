SELECT
  *,
  CASE
    WHEN `tk_match_champions`
    THEN 'champions'
    WHEN `tk_match_loyal`
    THEN 'loyal'
    WHEN `tk_match_potential_loyalist`
    THEN 'potential_loyalist'
    WHEN `tk_match_new_customers`
    THEN 'new_customers'
    WHEN `tk_match_promising`
    THEN 'promising'
    WHEN `tk_match_need_attention`
    THEN 'need_attention'
    WHEN `tk_match_about_to_sleep`
    THEN 'about_to_sleep'
    WHEN `tk_match_at_risk`
    THEN 'at_risk'
    WHEN `tk_match_cant_lose`
    THEN 'cant_lose'
    WHEN `tk_match_hibernating`
    THEN 'hibernating'
    WHEN `tk_match_lost`
    THEN 'lost'
    ELSE 'unscored'
  END AS `tier_id`,
  CASE
    WHEN `tk_match_champions`
    THEN 'Champions'
    WHEN `tk_match_loyal`
    THEN 'Loyal'
    WHEN `tk_match_potential_loyalist`
    THEN 'Potential loyalist'
    WHEN `tk_match_new_customers`
    THEN 'New / recent'
    WHEN `tk_match_promising`
    THEN 'Promising'
    WHEN `tk_match_need_attention`
    THEN 'Need attention'
    WHEN `tk_match_about_to_sleep`
    THEN 'About to sleep'
    WHEN `tk_match_at_risk`
    THEN 'At risk'
    WHEN `tk_match_cant_lose`
    THEN 'Can\'t lose them'
    WHEN `tk_match_hibernating`
    THEN 'Hibernating'
    WHEN `tk_match_lost`
    THEN 'Lost'
    ELSE 'Not scored (no purchases)'
  END AS `tier_label`
FROM (
  SELECT
    *,
    (
      (
        COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
      )
      AND (
        COALESCE(`fm_score` >= CAST(9.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          `r_score` IS NULL
        )
        OR (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            `fm_score` IS NULL
          )
        )
      )
    ) AS `tk_match_champions`,
    (
      `r_score` IS NULL
    )
    OR (
      (
        COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
      )
      AND (
        `fm_score` IS NULL
      )
    ) AS `tk_error_champions`,
    (
      (
        (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            COALESCE(`fm_score` >= CAST(7.0 AS FLOAT64), FALSE)
          )
        )
        AND (
          COALESCE(`fm_score` <= CAST(8.0 AS FLOAT64), FALSE)
        )
      )
      OR (
        (
          COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`fm_score` >= CAST(7.0 AS FLOAT64), FALSE)
        )
      )
    )
    AND (
      NOT (
        (
          (
            (
              `r_score` IS NULL
            )
            OR (
              (
                COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
              )
              AND (
                `fm_score` IS NULL
              )
            )
          )
          OR (
            (
              (
                COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
              )
              AND (
                COALESCE(`fm_score` >= CAST(7.0 AS FLOAT64), FALSE)
              )
            )
            AND (
              `fm_score` IS NULL
            )
          )
        )
        OR (
          (
            NOT (
              (
                (
                  COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
                )
                AND (
                  COALESCE(`fm_score` >= CAST(7.0 AS FLOAT64), FALSE)
                )
              )
              AND (
                COALESCE(`fm_score` <= CAST(8.0 AS FLOAT64), FALSE)
              )
            )
          )
          AND (
            (
              COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
            )
            AND (
              `fm_score` IS NULL
            )
          )
        )
      )
    ) AS `tk_match_loyal`,
    (
      (
        (
          `r_score` IS NULL
        )
        OR (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            `fm_score` IS NULL
          )
        )
      )
      OR (
        (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            COALESCE(`fm_score` >= CAST(7.0 AS FLOAT64), FALSE)
          )
        )
        AND (
          `fm_score` IS NULL
        )
      )
    )
    OR (
      (
        NOT (
          (
            (
              COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
            )
            AND (
              COALESCE(`fm_score` >= CAST(7.0 AS FLOAT64), FALSE)
            )
          )
          AND (
            COALESCE(`fm_score` <= CAST(8.0 AS FLOAT64), FALSE)
          )
        )
      )
      AND (
        (
          COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
        )
        AND (
          `fm_score` IS NULL
        )
      )
    ) AS `tk_error_loyal`,
    (
      (
        (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            COALESCE(`f_score` >= CAST(2.0 AS FLOAT64), FALSE)
          )
        )
        AND (
          COALESCE(`fm_score` >= CAST(5.0 AS FLOAT64), FALSE)
        )
      )
      AND (
        COALESCE(`fm_score` <= CAST(6.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          (
            (
              `r_score` IS NULL
            )
            OR (
              (
                COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
              )
              AND (
                `f_score` IS NULL
              )
            )
          )
          OR (
            (
              (
                COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
              )
              AND (
                COALESCE(`f_score` >= CAST(2.0 AS FLOAT64), FALSE)
              )
            )
            AND (
              `fm_score` IS NULL
            )
          )
        )
        OR (
          (
            (
              (
                COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
              )
              AND (
                COALESCE(`f_score` >= CAST(2.0 AS FLOAT64), FALSE)
              )
            )
            AND (
              COALESCE(`fm_score` >= CAST(5.0 AS FLOAT64), FALSE)
            )
          )
          AND (
            `fm_score` IS NULL
          )
        )
      )
    ) AS `tk_match_potential_loyalist`,
    (
      (
        (
          `r_score` IS NULL
        )
        OR (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            `f_score` IS NULL
          )
        )
      )
      OR (
        (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            COALESCE(`f_score` >= CAST(2.0 AS FLOAT64), FALSE)
          )
        )
        AND (
          `fm_score` IS NULL
        )
      )
    )
    OR (
      (
        (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            COALESCE(`f_score` >= CAST(2.0 AS FLOAT64), FALSE)
          )
        )
        AND (
          COALESCE(`fm_score` >= CAST(5.0 AS FLOAT64), FALSE)
        )
      )
      AND (
        `fm_score` IS NULL
      )
    ) AS `tk_error_potential_loyalist`,
    (
      COALESCE(`r_score` = CAST(5.0 AS FLOAT64), FALSE)
    )
    AND (
      COALESCE(`f_score` = CAST(1.0 AS FLOAT64), FALSE)
    ) AS `tk_match_new_customers`,
    FALSE AS `tk_error_new_customers`,
    (
      (
        (
          COALESCE(`r_score` = CAST(4.0 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`f_score` = CAST(1.0 AS FLOAT64), FALSE)
        )
      )
      OR (
        (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            COALESCE(`f_score` >= CAST(2.0 AS FLOAT64), FALSE)
          )
        )
        AND (
          COALESCE(`fm_score` <= CAST(4.0 AS FLOAT64), FALSE)
        )
      )
    )
    AND (
      NOT (
        (
          NOT (
            (
              COALESCE(`r_score` = CAST(4.0 AS FLOAT64), FALSE)
            )
            AND (
              COALESCE(`f_score` = CAST(1.0 AS FLOAT64), FALSE)
            )
          )
        )
        AND (
          (
            (
              `r_score` IS NULL
            )
            OR (
              (
                COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
              )
              AND (
                `f_score` IS NULL
              )
            )
          )
          OR (
            (
              (
                COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
              )
              AND (
                COALESCE(`f_score` >= CAST(2.0 AS FLOAT64), FALSE)
              )
            )
            AND (
              `fm_score` IS NULL
            )
          )
        )
      )
    ) AS `tk_match_promising`,
    (
      NOT (
        (
          COALESCE(`r_score` = CAST(4.0 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`f_score` = CAST(1.0 AS FLOAT64), FALSE)
        )
      )
    )
    AND (
      (
        (
          `r_score` IS NULL
        )
        OR (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            `f_score` IS NULL
          )
        )
      )
      OR (
        (
          (
            COALESCE(`r_score` >= CAST(4.0 AS FLOAT64), FALSE)
          )
          AND (
            COALESCE(`f_score` >= CAST(2.0 AS FLOAT64), FALSE)
          )
        )
        AND (
          `fm_score` IS NULL
        )
      )
    ) AS `tk_error_promising`,
    (
      (
        (
          COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`fm_score` >= CAST(5.0 AS FLOAT64), FALSE)
        )
      )
      AND (
        COALESCE(`fm_score` <= CAST(6.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          (
            COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
          )
          AND (
            `fm_score` IS NULL
          )
        )
        OR (
          (
            (
              COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
            )
            AND (
              COALESCE(`fm_score` >= CAST(5.0 AS FLOAT64), FALSE)
            )
          )
          AND (
            `fm_score` IS NULL
          )
        )
      )
    ) AS `tk_match_need_attention`,
    (
      (
        COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
      )
      AND (
        `fm_score` IS NULL
      )
    )
    OR (
      (
        (
          COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`fm_score` >= CAST(5.0 AS FLOAT64), FALSE)
        )
      )
      AND (
        `fm_score` IS NULL
      )
    ) AS `tk_error_need_attention`,
    (
      (
        COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
      )
      AND (
        COALESCE(`fm_score` <= CAST(4.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
        )
        AND (
          `fm_score` IS NULL
        )
      )
    ) AS `tk_match_about_to_sleep`,
    (
      COALESCE(`r_score` = CAST(3.0 AS FLOAT64), FALSE)
    )
    AND (
      `fm_score` IS NULL
    ) AS `tk_error_about_to_sleep`,
    (
      (
        (
          COALESCE(`r_score` <= CAST(2.0 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`fm_score` >= CAST(6.0 AS FLOAT64), FALSE)
        )
      )
      AND (
        COALESCE(`fm_score` <= CAST(8.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          (
            `r_score` IS NULL
          )
          OR (
            (
              COALESCE(`r_score` <= CAST(2.0 AS FLOAT64), FALSE)
            )
            AND (
              `fm_score` IS NULL
            )
          )
        )
        OR (
          (
            (
              COALESCE(`r_score` <= CAST(2.0 AS FLOAT64), FALSE)
            )
            AND (
              COALESCE(`fm_score` >= CAST(6.0 AS FLOAT64), FALSE)
            )
          )
          AND (
            `fm_score` IS NULL
          )
        )
      )
    ) AS `tk_match_at_risk`,
    (
      (
        `r_score` IS NULL
      )
      OR (
        (
          COALESCE(`r_score` <= CAST(2.0 AS FLOAT64), FALSE)
        )
        AND (
          `fm_score` IS NULL
        )
      )
    )
    OR (
      (
        (
          COALESCE(`r_score` <= CAST(2.0 AS FLOAT64), FALSE)
        )
        AND (
          COALESCE(`fm_score` >= CAST(6.0 AS FLOAT64), FALSE)
        )
      )
      AND (
        `fm_score` IS NULL
      )
    ) AS `tk_error_at_risk`,
    (
      (
        COALESCE(`r_score` <= CAST(2.0 AS FLOAT64), FALSE)
      )
      AND (
        COALESCE(`fm_score` >= CAST(9.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          `r_score` IS NULL
        )
        OR (
          (
            COALESCE(`r_score` <= CAST(2.0 AS FLOAT64), FALSE)
          )
          AND (
            `fm_score` IS NULL
          )
        )
      )
    ) AS `tk_match_cant_lose`,
    (
      `r_score` IS NULL
    )
    OR (
      (
        COALESCE(`r_score` <= CAST(2.0 AS FLOAT64), FALSE)
      )
      AND (
        `fm_score` IS NULL
      )
    ) AS `tk_error_cant_lose`,
    (
      (
        COALESCE(`r_score` = CAST(2.0 AS FLOAT64), FALSE)
      )
      AND (
        COALESCE(`fm_score` <= CAST(5.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          COALESCE(`r_score` = CAST(2.0 AS FLOAT64), FALSE)
        )
        AND (
          `fm_score` IS NULL
        )
      )
    ) AS `tk_match_hibernating`,
    (
      COALESCE(`r_score` = CAST(2.0 AS FLOAT64), FALSE)
    )
    AND (
      `fm_score` IS NULL
    ) AS `tk_error_hibernating`,
    (
      (
        COALESCE(`r_score` = CAST(1.0 AS FLOAT64), FALSE)
      )
      AND (
        COALESCE(`fm_score` <= CAST(5.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          COALESCE(`r_score` = CAST(1.0 AS FLOAT64), FALSE)
        )
        AND (
          `fm_score` IS NULL
        )
      )
    ) AS `tk_match_lost`,
    (
      COALESCE(`r_score` = CAST(1.0 AS FLOAT64), FALSE)
    )
    AND (
      `fm_score` IS NULL
    ) AS `tk_error_lost`
  FROM crm.customers
) AS tk_flags

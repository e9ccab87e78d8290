SELECT
  *,
  COALESCE(
    NULLIF(
      SUBSTRING(
        '' || CASE WHEN `tk_match_difficulty_none` THEN ', difficulty_none' ELSE '' END || CASE
          WHEN `tk_match_difficulty_mismatched`
          THEN ', difficulty_mismatched'
          ELSE ''
        END || CASE WHEN `tk_match_difficulty_peer` THEN ', difficulty_peer' ELSE '' END || CASE WHEN `tk_match_difficulty_unknown` THEN ', difficulty_unknown' ELSE '' END || CASE WHEN `tk_match_credit_high` THEN ', credit_high' ELSE '' END || CASE WHEN `tk_match_credit_ordinary` THEN ', credit_ordinary' ELSE '' END || CASE WHEN `tk_match_credit_low` THEN ', credit_low' ELSE '' END || CASE WHEN `tk_match_credit_unknown` THEN ', credit_unknown' ELSE '' END,
        3
      ),
      ''
    ),
    NULL
  ) AS `tier_id`,
  COALESCE(
    NULLIF(
      SUBSTRING(
        '' || CASE
          WHEN `tk_match_difficulty_none`
          THEN ', No purchases yet (cooperation difficulty)'
          ELSE ''
        END || CASE
          WHEN `tk_match_difficulty_mismatched`
          THEN ', Mismatched cooperation'
          ELSE ''
        END || CASE WHEN `tk_match_difficulty_peer` THEN ', Peer cooperation' ELSE '' END || CASE
          WHEN `tk_match_difficulty_unknown`
          THEN ', Cooperation difficulty unknown'
          ELSE ''
        END || CASE WHEN `tk_match_credit_high` THEN ', High credit' ELSE '' END || CASE WHEN `tk_match_credit_ordinary` THEN ', Ordinary credit' ELSE '' END || CASE WHEN `tk_match_credit_low` THEN ', Low credit' ELSE '' END || CASE WHEN `tk_match_credit_unknown` THEN ', Credit unknown' ELSE '' END,
        3
      ),
      ''
    ),
    NULL
  ) AS `tier_label`
FROM (
  SELECT
    *,
    COALESCE(`frequency` = CAST(0.0 AS FLOAT64), FALSE) AS `tk_match_difficulty_none`,
    FALSE AS `tk_error_difficulty_none`,
    (
      NOT (
        COALESCE(`frequency` = CAST(0.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      (
        COALESCE(`cooperation` IN ('错位合作', '错位', 'mismatched', 'Mismatched'), FALSE)
      )
      AND (
        NOT (
          `cooperation` IS NULL
        )
      )
    ) AS `tk_match_difficulty_mismatched`,
    FALSE AS `tk_error_difficulty_mismatched`,
    (
      NOT (
        COALESCE(`frequency` = CAST(0.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      (
        COALESCE(`cooperation` IN ('对等合作', '对等', 'peer', 'Peer'), FALSE)
      )
      AND (
        NOT (
          `cooperation` IS NULL
        )
      )
    ) AS `tk_match_difficulty_peer`,
    FALSE AS `tk_error_difficulty_peer`,
    (
      NOT (
        COALESCE(`frequency` = CAST(0.0 AS FLOAT64), FALSE)
      )
    )
    AND (
      NOT (
        (
          COALESCE(
            `cooperation` IN ('错位合作', '错位', 'mismatched', 'Mismatched', '对等合作', '对等', 'peer', 'Peer'),
            FALSE
          )
        )
        AND (
          NOT (
            `cooperation` IS NULL
          )
        )
      )
    ) AS `tk_match_difficulty_unknown`,
    FALSE AS `tk_error_difficulty_unknown`,
    (
      COALESCE(`credit_rating` IN ('高', '优', 'high', 'High', 'A'), FALSE)
    )
    AND (
      NOT (
        `credit_rating` IS NULL
      )
    ) AS `tk_match_credit_high`,
    FALSE AS `tk_error_credit_high`,
    (
      COALESCE(
        `credit_rating` IN ('普通', '中', '一般', 'ordinary', 'Ordinary', 'medium', 'Medium', 'B'),
        FALSE
      )
    )
    AND (
      NOT (
        `credit_rating` IS NULL
      )
    ) AS `tk_match_credit_ordinary`,
    FALSE AS `tk_error_credit_ordinary`,
    (
      COALESCE(`credit_rating` IN ('低', '差', 'low', 'Low', 'C'), FALSE)
    )
    AND (
      NOT (
        `credit_rating` IS NULL
      )
    ) AS `tk_match_credit_low`,
    FALSE AS `tk_error_credit_low`,
    NOT (
      (
        COALESCE(
          `credit_rating` IN (
            '高',
            '优',
            'high',
            'High',
            'A',
            '普通',
            '中',
            '一般',
            'ordinary',
            'Ordinary',
            'medium',
            'Medium',
            'B',
            '低',
            '差',
            'low',
            'Low',
            'C'
          ),
          FALSE
        )
      )
      AND (
        NOT (
          `credit_rating` IS NULL
        )
      )
    ) AS `tk_match_credit_unknown`,
    FALSE AS `tk_error_credit_unknown`
  FROM crm.customers
) AS tk_flags

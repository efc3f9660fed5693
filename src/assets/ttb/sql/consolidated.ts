/**
 * Consolidation over every published month: one row per TTB ID.
 *  - attributes from the COLA's first observation (a later re-emission only
 *    carries a new status; exact duplicates collapse here),
 *  - first/last seen extract dates and how many lines mentioned it,
 *  - the status history: events across months in time order, with repeats
 *    of the same status dropped; current status = the latest, status
 *    changes = transitions after the first status,
 *  - the filing signal by first appearance, in precedence order:
 *    NEW_COMPANY (the permit's first COLA), NEW_BRAND (the permit's first COLA
 *    of the brand), NEW_SKU (first of brand + fanciful name + class/type),
 *    otherwise REFILE (the same product filed again); is_refile mirrors it.
 */
export function consolidatedColasSql(processedView: string, eventsView: string): string {
  return `
    -- one window pass gives the first observation and the span: partition windows share one sort
    WITH first_observation AS (
      SELECT * EXCLUDE (status, extract_date, source_file, line_number, observation_rank)
      FROM (
        SELECT
          *,
          row_number() OVER by_time AS observation_rank,
          min(extract_date) OVER by_cola AS first_seen_date,
          max(extract_date) OVER by_cola AS last_seen_date,
          count(*) OVER by_cola AS observation_count
        FROM ${processedView}
        WINDOW
          by_cola AS (PARTITION BY ttb_id),
          by_time AS (PARTITION BY ttb_id ORDER BY extract_date, source_file, line_number)
      )
      WHERE observation_rank = 1
    ),
    status_transitions AS (
      SELECT ttb_id, status, event_date, source_file, line_number
      FROM (
        SELECT
          ttb_id, status, event_date, source_file, line_number,
          lag(status) OVER (PARTITION BY ttb_id ORDER BY event_date, source_file, line_number) AS previous_status
        FROM ${eventsView}
      )
      WHERE previous_status IS DISTINCT FROM status
    ),
    status_history AS (
      SELECT
        ttb_id,
        arg_max(status, (event_date, source_file, line_number)) AS current_status,
        max(event_date) AS status_date,
        count(*) - 1 AS status_change_count
      FROM status_transitions
      GROUP BY ttb_id
    ),
    -- first filings by hash aggregates: cheaper than three window sorts over every COLA
    first_of_company AS (
      SELECT arg_min(ttb_id, (completed_date, ttb_id)) AS ttb_id FROM first_observation GROUP BY permit_no
    ),
    first_of_brand AS (
      SELECT arg_min(ttb_id, (completed_date, ttb_id)) AS ttb_id FROM first_observation GROUP BY permit_no, brand_name
    ),
    first_of_sku AS (
      SELECT arg_min(ttb_id, (completed_date, ttb_id)) AS ttb_id FROM first_observation GROUP BY permit_no, brand_name, fanciful_name, class_type_code
    ),
    filing_order AS (
      SELECT
        ttb_id,
        ttb_id IN (SELECT ttb_id FROM first_of_company) AS is_first_of_company,
        ttb_id IN (SELECT ttb_id FROM first_of_brand) AS is_first_of_brand,
        ttb_id IN (SELECT ttb_id FROM first_of_sku) AS is_first_of_sku
      FROM first_observation
    )
    SELECT
      first_observation.*,
      status_history.current_status,
      status_history.status_date,
      status_history.status_change_count,
      CASE
        WHEN filing_order.is_first_of_company THEN 'NEW_COMPANY'
        WHEN filing_order.is_first_of_brand THEN 'NEW_BRAND'
        WHEN filing_order.is_first_of_sku THEN 'NEW_SKU'
        ELSE 'REFILE'
      END AS signal,
      NOT filing_order.is_first_of_sku AS is_refile
    FROM first_observation
    JOIN status_history USING (ttb_id)
    JOIN filing_order USING (ttb_id)
    ORDER BY first_observation.completed_date, first_observation.ttb_id`;
}

/**
 * Facts of one month. fact_label_approvals: one row per COLA completed in
 * the month, with the surrogate key of every dimension — the company version
 * valid on the completed date — its current status and filing signal.
 * fact_monthly_summary: counts by family, origin, application type and signal.
 */
import type { SqlConnection } from "materia";
import { surrogateKey } from "./dimensions";

export interface MonthWindow {
  /** Inclusive, ISO date. */
  start: string;
  /** Exclusive, ISO date. */
  end: string;
}

export function factLabelApprovalsSql(sql: SqlConnection, window: MonthWindow): string {
  return `
    WITH month_colas AS (
      SELECT *
      FROM consolidated_colas
      WHERE completed_date >= ${sql.literal(window.start)}::DATE
        AND completed_date < ${sql.literal(window.end)}::DATE
    )
    SELECT
      colas.ttb_id,
      (year(colas.completed_date) * 10000 + month(colas.completed_date) * 100 + dayofmonth(colas.completed_date))::INTEGER AS date_key,
      company.company_key,
      ${surrogateKey("colas.permit_no", "colas.brand_name")} AS brand_key,
      ${surrogateKey("coalesce(colas.class_type_code, 'UNKNOWN')")} AS product_class_key,
      ${surrogateKey("coalesce(colas.origin_code, 'UNKNOWN')")} AS origin_key,
      colas.completed_date,
      colas.application_type,
      colas.current_status,
      colas.status_change_count,
      colas.signal,
      colas.is_refile,
      colas.alcohol_pct
    FROM month_colas AS colas
    -- the company version valid on the completed date (valid_to is exclusive; NULL while current).
    -- No OR in the condition: it would turn the hash join on permit_no into a nested loop.
    LEFT JOIN dim_company AS company
      ON company.permit_no = colas.permit_no
     AND colas.completed_date >= company.valid_from
     AND colas.completed_date < coalesce(company.valid_to, DATE '9999-12-31')
    ORDER BY colas.completed_date, colas.ttb_id`;
}

export function factMonthlySummarySql(): string {
  return `
    SELECT
      product_class.family,
      origin.code AS origin_code,
      origin.origin_type,
      facts.application_type,
      facts.signal,
      count(*) AS cola_count,
      count(*) FILTER (WHERE facts.current_status = 'APPROVED') AS approved_count
    FROM fact_label_approvals AS facts
    LEFT JOIN dim_product_class AS product_class USING (product_class_key)
    LEFT JOIN dim_origin AS origin USING (origin_key)
    GROUP BY ALL
    ORDER BY ALL`;
}

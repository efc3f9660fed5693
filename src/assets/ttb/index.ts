/**
 * The TTB label-approval warehouse:
 *
 *   ttb/registry_extracts (source, monthly: landing/ttb/YYYY-MM-DD.jsonl)
 *     → ttb/raw_colas (monthly)
 *     → ttb/processed_colas + ttb/status_events + ttb/rejects (monthly, one step)
 *     → ttb/consolidated_colas (all months)
 *     → ttb/dim_company (SCD2), dim_brand, dim_product_class, dim_origin, dim_date
 *     → ttb/fact_label_approvals → ttb/fact_monthly_summary (monthly)
 */
import { consolidatedColas } from "./consolidated";
import { ttbDimensions } from "./dimensions";
import { factLabelApprovals, factMonthlySummary } from "./facts";
import { processColas } from "./processed";
import { rawColas, registryExtracts } from "./raw";

export { TTB_GROUP, TTB_MONTHS } from "./partitions";
export { LANDING_PREFIX, landingDayKey, landingMonthPrefix, monthOfLandingKey } from "./landing";
export { TtbLandingError, TtbUsageError } from "./errors";
export { ttbGenerator } from "./generator";
export { generateTtbMonths, type GenerateTtbOptions, type GenerateProgress } from "./registry/generator";
export { DEFAULT_DEFECT_RATES, CLEAN as NO_DEFECTS, type DefectRates } from "./registry/mess";

export const ttbAssets = [registryExtracts, rawColas, processColas, consolidatedColas, ...ttbDimensions, factLabelApprovals, factMonthlySummary];

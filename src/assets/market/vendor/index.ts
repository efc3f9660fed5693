export { generateMarketMonths, type GenerateMarketOptions, type GeneratedMonth } from "./generate";
export { DEFAULT_DEFECT_RATES, NO_DEFECTS, type DefectRates } from "./month-sql";

/**
 * The market-data pipeline: vendor 1-minute futures bars → validated raw
 * bars → front-month series → features and triple-barrier labels → training set.
 */
import { features } from "./features";
import { frontMonthBars } from "./front-month";
import { labels } from "./labels";
import { trainingSet } from "./training-set";
import { rawBars, vendorFiles } from "./raw-bars";

export { landingKey, LANDING_PREFIX, MARKET_MONTHS, monthOfLandingKey } from "./layout";
export { VendorFileError } from "./vendor-file-error";
export { marketGenerator } from "./generator";
// What the pipeline's checks read of the raw-bars step: the tables it leaves in its session, the file's own record count.
export { fileRecordsSql, RAW_TABLES } from "./sql/raw-bars";

export const marketAssets = [vendorFiles, rawBars, frontMonthBars, features, labels, trainingSet];

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

export const marketAssets = [vendorFiles, rawBars, frontMonthBars, features, labels, trainingSet];

export { landingSensor, type LandingSensorSpec } from "./landing";
export { assetMaterializedSensor, type AssetMaterializedSensorSpec } from "./asset-materialized";

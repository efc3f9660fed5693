export { exampleAssets, EXAMPLE_MONTHS, landingKey } from "./assets";
export { writeExampleLanding } from "./sample-data";

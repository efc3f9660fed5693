export { exampleAssets, EXAMPLE_MONTHS, landingKey } from "./assets";
export { exampleGenerator } from "./generator";
export { writeExampleLanding, type ExampleGeneratorContext } from "./sample-data";

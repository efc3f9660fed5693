/**
 * This repository's own code location: the shipped pipelines, loaded the way
 * a user's project is (the CLI, `npm start` and the workers find this file).
 */
import { defineConfig } from "materia";

export default defineConfig({ definitions: "./src/definitions.ts" });

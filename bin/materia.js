#!/usr/bin/env node
// The `materia` command: runs the compiled CLI (`npm run build` produces dist/; the published package ships it).
require("../dist/src/cli/main.js").runCli();

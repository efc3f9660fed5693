#!/usr/bin/env node
// The `materia` command: runs the compiled CLI (`npm run build` produces dist/).
require("../dist/src/cli/main.js");

// ESLint flat config. Type-aware rules catch floating promises everywhere;
// layer rules keep workflow code deterministic and core/ pure (see DESIGN.md).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const nodeBuiltins = [
  "assert", "async_hooks", "buffer", "child_process", "cluster", "crypto", "dgram", "dns",
  "events", "fs", "fs/promises", "http", "http2", "https", "net", "os", "path", "perf_hooks",
  "process", "readline", "stream", "stream/promises", "timers", "tls", "tty", "url", "util",
  "v8", "vm", "worker_threads", "zlib",
];
const noNodeBuiltins = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message: "Node built-ins are not allowed here: this code must stay deterministic and pure.",
  })),
  patterns: [{ group: ["node:*"], message: "Node built-ins are not allowed here." }],
};

// The layer boundary between the framework and the shipped pipelines (DESIGN.md, "Layers"): pipelines
// use the framework only through "materia" as a user's project does, and no framework module imports a
// pipeline. Names repeat inside layers (src/core/checks is not src/checks, src/core/definitions is not
// src/definitions.ts), so a rule matches only a relative path that climbs exactly to src/ and then
// enters the other side: one block per folder depth.
const FRAMEWORK = ["core", "execution", "temporal", "resources", "config", "utils", "cli", "ui", "index", "testing"];
const PIPELINES = ["assets", "jobs", "checks", "definitions"];
const MAX_DEPTH = 6;

/** A relative import from `depth` folders below src/ into one of `names` at src/ (`./core`, `../../jobs/x`, `../definitions.js`). */
function intoSrc(depth, names) {
  const up = depth === 0 ? "\\./" : `(\\.\\./){${depth}}`;
  return `^${up}(${names.join("|")})(\\.[cm]?[jt]s)?(/.*)?$`;
}

/** Globs of the .ts files `depth` folders below src/ in `roots` (a root `x.ts` is a file at depth 0). */
function filesAt(depth, roots) {
  return roots.flatMap((root) => (root.endsWith(".ts") ? (depth === 0 ? [`src/${root}`] : []) : depth === 0 ? [] : [`src/${root}/${"*/".repeat(depth - 1)}*.ts`]));
}

const pipelinesUseTheEntryPoints = (depth) => ({
  regex: intoSrc(depth, FRAMEWORK),
  message: 'Pipelines use the framework through "materia" only, as a user\'s project does.',
});
const frameworkIgnoresPipelines = (depth) => ({
  regex: intoSrc(depth, PIPELINES),
  message: "The framework never imports the shipped pipelines: they are a code location loaded like a user's (materia.config.ts).",
});
const coreStaysPure = {
  group: ["**/../resources", "**/../resources/**", "**/../temporal", "**/../temporal/**", "**/../config", "**/../config/**", "**/../utils", "**/../utils/**", "**/../execution", "**/../execution/**", "**/../cli", "**/../cli/**"],
  message: "core/ may import nothing else in src.",
};

function restrictImports(patterns, { builtins = false } = {}) {
  return {
    "no-restricted-imports": ["error", { ...(builtins ? { paths: noNodeBuiltins.paths } : {}), patterns: [...(builtins ? noNodeBuiltins.patterns : []), ...patterns] }],
  };
}

// One rule value per file (a later block replaces an earlier one's options), so core/ and workflow code,
// which also keep out Node built-ins, get blocks of their own.
const layerBlocks = Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => {
  const pipelineFiles = filesAt(depth, ["definitions.ts", "assets", "jobs", "checks"]);
  const frameworkFiles = filesAt(depth, ["index.ts", "testing.ts", "execution", "temporal", "resources", "config", "utils", "cli", "ui"]);
  const coreFiles = filesAt(depth, ["core"]);
  const workflowFiles = depth >= 2 ? filesAt(depth - 1, ["temporal/workflows"]) : [];
  return [
    pipelineFiles.length > 0 && { files: pipelineFiles, rules: restrictImports([pipelinesUseTheEntryPoints(depth)]) },
    frameworkFiles.length > 0 && { files: frameworkFiles, ignores: ["src/temporal/workflows/**"], rules: restrictImports([frameworkIgnoresPipelines(depth)]) },
    // Workflow code runs in Temporal's deterministic sandbox.
    workflowFiles.length > 0 && { files: workflowFiles, rules: restrictImports([frameworkIgnoresPipelines(depth)], { builtins: true }) },
    // core/ is the pure model: no I/O, no other layer.
    coreFiles.length > 0 && { files: coreFiles, rules: restrictImports([coreStaysPure, frameworkIgnoresPipelines(depth)], { builtins: true }) },
  ].filter(Boolean);
}).flat();

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".materia/**", "coverage/**", "tools/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/only-throw-error": "off",
      "@typescript-eslint/prefer-promise-reject-errors": "off",
      "no-console": "off",
    },
  },
  ...layerBlocks,
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    ignores: [],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.node },
      sourceType: "commonjs",
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["tests/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "chaos/**/*.ts"],
    rules: {
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);

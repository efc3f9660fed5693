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
  {
    // Workflow code runs in Temporal's deterministic sandbox.
    files: ["src/temporal/workflows/**/*.ts"],
    rules: { "no-restricted-imports": ["error", noNodeBuiltins] },
  },
  {
    // core/ is the pure model: no I/O, no other layer.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          ...noNodeBuiltins,
          patterns: [
            ...noNodeBuiltins.patterns,
            {
              group: ["**/../resources", "**/../resources/**", "**/../temporal", "**/../temporal/**", "**/../config", "**/../config/**", "**/../utils", "**/../utils/**", "**/../assets", "**/../assets/**", "**/../jobs", "**/../jobs/**", "**/../checks", "**/../checks/**", "**/../cli", "**/../cli/**"],
              message: "core/ may import nothing else in src.",
            },
          ],
        },
      ],
    },
  },
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

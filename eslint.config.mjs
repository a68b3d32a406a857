// Flat config (ESLint 9 + typescript-eslint 8): the recommended sets, a few rules that catch real bugs, and the ban on
// importing a CDKTF provider from its package root. Type-aware linting is left out on purpose: `tsc --noEmit` already
// type-checks everything, and typed lint rules would double the lint time for little extra.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Entry points that load every resource class of a provider (the package root and its lib barrel), as an esquery regex
 * for dynamic `import()` and `require()`; `\x2F` is "/", which esquery's regex literal cannot contain.
 */
const PROVIDER_ROOT_SELECTOR_REGEX = String.raw`/^@cdktf\x2Fprovider-(aws|tls|archive)(\x2Flib(\x2Findex(\.js)?)?)?$/`;

const PROVIDER_ROOT_MESSAGE =
  "import the resource from its submodule, e.g. `@cdktf/provider-aws/lib/emr-cluster`: the package root loads every " +
  "resource class of the provider and costs ~10x synth time and memory.";

const providerRootPaths = ["aws", "tls", "archive"].flatMap((provider) =>
  ["", "/lib", "/lib/index", "/lib/index.js"].map((suffix) => ({
    name: `@cdktf/provider-${provider}${suffix}`,
    message: PROVIDER_ROOT_MESSAGE,
  })),
);

// Node's globals for the few plain JavaScript files (jest.config.js, scripts/bin/*.cjs); no `globals` dependency.
const nodeGlobals = Object.fromEntries(
  ["require", "module", "exports", "__dirname", "__filename", "process", "console", "Buffer"].map((name) => [name, "readonly"]),
);

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "cdktf.out/",
      ".gen/",
      ".terraform/",
      ".tools/",
      ".venv/",
      ".venv-*/",
      "coverage/",
      "bench/results/",
      "spark-jobs/", // Python: linted by ruff
    ],
  },
  js.configs.recommended,
  {
    files: ["**/*.{js,cjs}"],
    languageOptions: { sourceType: "commonjs", globals: nodeGlobals },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { sourceType: "module", globals: nodeGlobals },
  },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommended],
    rules: {
      // The typescript-eslint variant also covers `import type` and `import x = require(...)`.
      "@typescript-eslint/no-restricted-imports": ["error", { paths: providerRootPaths }],
      "no-restricted-syntax": [
        "error",
        {
          selector: `ImportExpression[source.value=${PROVIDER_ROOT_SELECTOR_REGEX}]`,
          message: PROVIDER_ROOT_MESSAGE,
        },
        {
          selector: `CallExpression[callee.name="require"][arguments.0.value=${PROVIDER_ROOT_SELECTOR_REGEX}]`,
          message: PROVIDER_ROOT_MESSAGE,
        },
      ],
      // `_name` marks a deliberately unused binding (destructuring a field away, an interface-required parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Stripping ANSI colour codes from CLI output needs \x1b in a regex; that is the only use here.
      "no-control-regex": "off",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-throw-literal": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Tests may use `any` for deliberately malformed input and non-null assertions on synthesized JSON.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);

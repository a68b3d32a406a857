// Flat config (ESLint 9 + typescript-eslint 8): the recommended sets, a few rules that catch real bugs, the ban on
// importing a CDKTF provider from its package root, and the floors (which top-level folder may import which). Type-aware linting is left out on purpose: `tsc --noEmit` already
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

/**
 * The floors (README, "Layout"): a folder imports only from the floors below it, so "where is X agreed?" has one answer
 * and the next upward import fails `npm run lint`, not the next review.
 *   contracts/     floor 0, the words both sides share: imports nothing from the project.
 *   environments/  the config: imports only contracts/.
 *   policy/        the guard judges synthesized JSON: imports only contracts/, never the modules it judges.
 *   modules/       the infrastructure: never scripts/, bench/ or test/.
 *   scripts/       the CLI and tools: never test/.
 * Each zone lists either what a folder may import (`only`) or what it may not (`never`). A relative import leaves a
 * file's top-level folder when it climbs as many `../` as the file is deep, so the patterns are written per depth.
 */
const FLOORS = [
  { folder: "contracts", only: [], why: "contracts/ is floor 0 and imports nothing from the project" },
  { folder: "environments", only: ["contracts"], why: "environments/ imports only contracts/" },
  { folder: "policy", only: ["contracts"], why: "policy/ imports only contracts/: the guard must not judge the modules by their own code" },
  { folder: "modules", never: ["scripts", "bench", "test"], why: "modules/ may not import scripts/, bench/ or test/" },
  { folder: "scripts", never: ["test"], why: "scripts/ may not import test/" },
];

/** Deepest file (folders below the top-level one) the floor patterns cover; test/lint/floors.test.ts checks the tree. */
const FLOOR_MAX_DEPTH = 6;

const FLOOR_FIX = "fix: move the shared word into contracts/, or the code to the floor that may import both (README, Layout)";

/** The regex (source text) an import specifier matches when a file `depth` folders deep inside `zone` breaks the zone. */
function floorRegex(zone, depth) {
  const up = `(\\.\\./){${depth}}`;
  if (zone.only) return zone.only.length ? `^${up}(?!(${zone.only.join("|")})/)` : `^${up}`;
  return `^${up}(${zone.never.join("|")})(/|$)`;
}

// Node's globals for the few plain JavaScript files (jest.config.js, scripts/bin/*.cjs); no `globals` dependency.
const nodeGlobals = Object.fromEntries(
  ["require", "module", "exports", "__dirname", "__filename", "process", "console", "Buffer"].map((name) => [name, "readonly"]),
);

/** Selectors for a dynamic `import()` and a `require()` whose specifier matches an esquery regex literal. */
const dynamicImportSelectors = (regexLiteral, message) => [
  { selector: `ImportExpression[source.value=${regexLiteral}]`, message },
  { selector: `CallExpression[callee.name="require"][arguments.0.value=${regexLiteral}]`, message },
];

/**
 * The import bans for a set of files: the provider ban everywhere, plus a floor zone's patterns. One function, because
 * a later config block's options for a rule replace an earlier block's: each floor block restates the provider ban.
 */
function importRules(zone, depth) {
  const floor = zone ? { regex: floorRegex(zone, depth), message: `${zone.why}; ${FLOOR_FIX}` } : undefined;
  // esquery's regex literal cannot contain "/": written as \x2F.
  const floorLiteral = floor ? `/${floor.regex.replaceAll("/", "\\x2F")}/` : undefined;
  return {
    // The typescript-eslint variant also covers `import type`, `export … from` and `import x = require(...)`.
    "@typescript-eslint/no-restricted-imports": [
      "error",
      { paths: providerRootPaths, patterns: floor ? [{ ...floor, caseSensitive: true }] : [] },
    ],
    "no-restricted-syntax": [
      "error",
      ...dynamicImportSelectors(PROVIDER_ROOT_SELECTOR_REGEX, PROVIDER_ROOT_MESSAGE),
      ...(floor ? dynamicImportSelectors(floorLiteral, floor.message) : []),
    ],
  };
}

// One config block per floor zone and depth: a file directly in modules/, one folder below it, and so on.
const floorBlocks = FLOORS.flatMap((zone) =>
  Array.from({ length: FLOOR_MAX_DEPTH }, (_, i) => ({
    files: [`${zone.folder}/${"*/".repeat(i)}*.ts`],
    rules: importRules(zone, i + 1),
  })),
);

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "cdktf.out/",
      "build/",
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
      ...importRules(),
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
  ...floorBlocks,
  {
    // Tests may use `any` for deliberately malformed input and non-null assertions on synthesized JSON.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);

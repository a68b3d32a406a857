// The two entry points people wait on, `npm run synth` (main.ts) and the `emr` CLI (scripts/emr.ts), run as
// JavaScript bundled by esbuild into build/ (gitignored), not as TypeScript compiled by tsx at every start (tsx's
// hooks and transform cache were about a third of synth and of `emr --help`, npm run bench). `npm ci` builds both
// (package.json `prepare`); `node scripts/bin/compiled.cjs` builds them by hand.
//
// Staleness: before loading a bundle, its inputs (every source file esbuild read, listed in build/<name>.inputs.json,
// and BUILD_INPUTS) are compared with the bundle's time. When one is newer, or the bundle is missing, it is rebuilt
// here, in under a second, and then loaded: an edited checkout runs its edits, with no step to remember and nothing
// printed (tests compare the CLI's output exactly). A bundle that fails to build falls back to tsx, which reports the
// error against the TypeScript source; that fallback prints one line saying so.
//
// Only our own code (and zod, which only it uses) is bundled: packages stay external (cdktf, constructs and the
// provider bindings must be single copies, and `require.resolve("tsx/cjs")` must find the installed file).
// SYNTH_SOURCE_MAPS=1 turns Node's source maps on before the bundle loads, so stack traces name the TypeScript files
// and lines (build/<name>.cjs.map).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const BUILD = path.join(ROOT, "build");

/** Bundle name -> TypeScript entry point, relative to the repository root. */
const ENTRY_POINTS = { main: "main.ts", emr: "scripts/emr.ts" };

const bundlePath = (name) => path.join(BUILD, `${name}.cjs`);
const inputsPath = (name) => path.join(BUILD, `${name}.inputs.json`);

/**
 * A module's `__dirname` in a bundle would be build/, not the source folder that paths like
 * `join(__dirname, "..", "spark-jobs", "catalog.json")` are written against: each source file's `__dirname` becomes
 * its own folder, relative to the bundle, so the bundle still works from any checkout path.
 */
const sourceDirname = {
  name: "source-dirname",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = fs.readFileSync(args.path, "utf8");
      if (!text.includes("__dirname")) return undefined;
      const relative = path.relative(BUILD, path.dirname(args.path)).split(path.sep).join("/");
      return { contents: text.replace(/\b__dirname\b/g, `require("node:path").join(__dirname, ${JSON.stringify(relative)})`), loader: "ts" };
    });
  },
};

/**
 * The AWS SDK packages load on first use, not when the bundle starts: `import { DescribeClusterCommand } from
 * "@aws-sdk/client-emr"` compiles to a module object read at each use (`import_client_emr.DescribeClusterCommand`),
 * so serving a module whose exports are getters that require the real package on the first read keeps `emr --help`
 * from loading any SDK client (about half of its time) and `info` to the two it calls. Same module, same classes.
 * The export names are read from the installed package at build time (esbuild's interop copies them one by one).
 */
const LAZY_PACKAGES = /^@aws-sdk\/|^@smithy\//;
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * The value names `importer` imports from `specifier` (`import { A, B as C, type T } from "…"` gives A and B), or
 * undefined when it imports it any other way (a namespace, a default, require): then the module serves every name.
 * esbuild copies each name of a CommonJS module into the importing file's module object (`__toESM`): the SDK clients
 * export hundreds, which cost ~20 ms of `emr info` copied into every importer.
 */
function importedNames(importer, specifier) {
  let text;
  try {
    text = fs.readFileSync(importer, "utf8");
  } catch {
    return undefined;
  }
  const quoted = `["']${escapeRegExp(specifier)}["']`;
  const mentions = text.match(new RegExp(quoted, "g"))?.length ?? 0;
  const statements = [...text.matchAll(new RegExp(`\\b(import|export)\\s+(type\\s+)?\\{([^}]*)\\}\\s*from\\s*${quoted}`, "g"))];
  if (statements.length !== mentions) return undefined;
  const names = statements
    .filter(([, , typeOnly]) => !typeOnly)
    .flatMap(([, , , list]) => list.split(","))
    .map((item) => item.trim())
    .filter((item) => item && !item.startsWith("type "))
    .map((item) => item.split(/\s+as\s+/)[0]);
  return [...new Set(names)];
}

/** `vendor` (optional): `{ filter, file, specifiers }`: the packages the filter matches load from that vendor bundle. */
function lazyPackages(vendor) {
  return {
    name: "lazy-packages",
    setup(build) {
      // One module per importing file, serving the names that file imports (importedNames).
      build.onResolve({ filter: LAZY_PACKAGES }, (args) =>
        args.namespace === "lazy-package" ? undefined : { path: `${args.path}?from=${path.relative(ROOT, args.importer)}`, namespace: "lazy-package", pluginData: { specifier: args.path, importer: args.importer } },
      );
      build.onResolve({ filter: /-vendor\.cjs$/, namespace: "lazy-package" }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: "lazy-package" }, (args) => {
        const { specifier, importer } = args.pluginData;
        const exported = Object.keys(require(require.resolve(specifier, { paths: [ROOT] }))).filter((name) => name !== "__esModule");
        const imported = importedNames(importer, specifier);
        const missing = imported?.filter((name) => !exported.includes(name)) ?? [];
        if (missing.length) throw new Error(`${path.relative(ROOT, importer)} imports ${missing.join(", ")} from ${specifier}, which does not export it`);
        const names = imported ?? exported;
        const vendored = vendor?.filter.test(specifier);
        if (vendored) vendor.specifiers.add(specifier);
        const real = vendored ? `require(${JSON.stringify(vendor.file)})(${JSON.stringify(specifier)})` : `require(${JSON.stringify(specifier)})`;
        const contents = [
          `let loaded;`,
          `const load = () => (loaded ??= ${real});`,
          `Object.defineProperty(exports, "__esModule", { value: true });`,
          `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
        ].join("\n");
        return { contents, loader: "js", resolveDir: ROOT };
      });
    },
  };
}

/**
 * scripts/lib/import-esm.cjs stays a file of its own, required from the bundle: the bundles are compiled from V8's code
 * cache, which leaves them no dynamic-import callback (code-cache.cjs), so their `import()`s live there.
 */
const IMPORT_ESM = path.join(ROOT, "scripts", "lib", "import-esm.cjs");
const outsideBundles = {
  name: "outside-bundles",
  setup(build) {
    build.onResolve({ filter: /\/import-esm\.cjs$/ }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path);
      if (resolved !== IMPORT_ESM) return undefined;
      return { path: `./${path.relative(BUILD, resolved).split(path.sep).join("/")}`, external: true };
    });
  },
};

/**
 * Small packages only our code uses are bundled in (one copy per process still), instead of Node resolving, reading
 * and compiling their files at each start; in the bundle they load through its code cache. zod from its ES module
 * build: 95 files, every locale among them, about 10% of a command that loads the environments. commander (7 files)
 * on every CLI command; yazl and buffer-crc32 with the commands that import the ZIP writer. Package -> the file to
 * bundle, relative to the package's folder (undefined: its CommonJS main).
 */
const BUNDLED_PACKAGES = { zod: "index.js", commander: undefined, yazl: undefined, "buffer-crc32": undefined };
const bundledFile = (name) => {
  const file = BUNDLED_PACKAGES[name];
  return file ? path.join(path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] })), file) : require.resolve(name, { paths: [ROOT] });
};
const bundledPackages = {
  name: "bundled-packages",
  setup(build) {
    const names = Object.keys(BUNDLED_PACKAGES).map(escapeRegExp).join("|");
    build.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) => ({ path: bundledFile(args.path) }));
    // zod's messages in English only: its 64 locales are reachable through `z.locales`, which our code never reads, so
    // esbuild cannot drop them; each is a module to initialise at every start. (zod itself configures English.)
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: `export { default as en } from "./en.js";\n`, loader: "js" }));
  },
};

/**
 * Synth's packages (cdktf, constructs, the provider bindings: 447 files Node resolves, reads and compiles one by one)
 * go into a second bundle, build/<name>-vendor.cjs: one file to load, and one that V8's code cache covers
 * (code-cache.cjs). Still one copy of each per process: our bundle reaches them only through that file. A second
 * bundle because it is built without keepNames: esbuild's `__name` call on each of their functions cost about 10%
 * of synth, and only our code reads `.name`. Each package loads when first used, as it did from node_modules.
 */
const VENDORED = { main: /^(cdktf|constructs|@cdktf\/[^/]+)(\/|$)/, emr: LAZY_PACKAGES };

const vendorPath = (name) => path.join(BUILD, `${name}-vendor.cjs`);
/** How our bundle requires its vendor bundle (both live in build/). */
const vendorSpecifier = (name) => `./${name}-vendor.cjs`;

/** The bundles loaded with V8's code cache (code-cache.cjs), with their vendor bundles: synth's and the CLI's. */
const CODE_CACHED = new Set(["main", "emr"]);

/** Our bundle's side: each vendored import becomes a call into build/<name>-vendor.cjs; `specifiers` collects them. */
function vendoredPackages(name, specifiers) {
  const vendorFile = vendorSpecifier(name);
  return {
    name: "vendored-packages",
    setup(build) {
      build.onResolve({ filter: VENDORED[name] }, (args) => {
        specifiers.add(args.path);
        return { path: args.path, namespace: "vendored" };
      });
      build.onResolve({ filter: /-vendor\.cjs$/, namespace: "vendored" }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: "vendored" }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(vendorFile)})(${JSON.stringify(args.path)});`,
        loader: "js",
        resolveDir: BUILD,
      }));
    },
  };
}

/** The vendor bundle's entry: a function from specifier to the package module, each loaded on its first call. */
function vendorEntry(specifiers) {
  const loaders = [...specifiers].sort().map((s) => `  ${JSON.stringify(s)}: () => require(${JSON.stringify(s)}),`);
  return `const load = {\n${loaders.join("\n")}\n};\nmodule.exports = (specifier) => load[specifier]();\n`;
}

/** Writes a file whole or not at all: parallel jest workers may rebuild the same bundle at once. */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

/**
 * `EMR_BUNDLE_ID` in our code (environments/validation-memo.ts) names the bundle's code: esbuild writes this
 * placeholder, then withBundleId puts a hash of the bundle's text in its place (same length: the source map stays
 * true). The same sources give the same id.
 */
const BUNDLE_ID_PLACEHOLDER = "emr-bundle-id-not-yet-hashed-000";

function withBundleId(text) {
  const id = require("node:crypto").createHash("sha256").update(text).digest("hex").slice(0, BUNDLE_ID_PLACEHOLDER.length);
  return text.split(JSON.stringify(BUNDLE_ID_PLACEHOLDER)).join(JSON.stringify(id));
}

/** Bundles one entry point into build/<name>.cjs (+ .map and the inputs list). Rejects with esbuild's error. */
async function build(name) {
  const esbuild = require("esbuild");
  const options = {
    absWorkingDir: ROOT,
    entryPoints: [ENTRY_POINTS[name]],
    outfile: bundlePath(name),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    // Class and function names as written: error messages and construct code read `.name`.
    keepNames: true,
    sourcemap: "linked",
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: "silent",
    define: { EMR_BUNDLE_ID: JSON.stringify(BUNDLE_ID_PLACEHOLDER) },
    plugins: [sourceDirname, outsideBundles, bundledPackages],
  };
  const specifiers = new Set();
  const lazyVendor = VENDORED[name] ? { filter: VENDORED[name], file: vendorSpecifier(name), specifiers } : undefined;
  options.plugins = [lazyPackages(lazyVendor), ...(lazyVendor ? [vendoredPackages(name, specifiers)] : []), ...options.plugins];
  // esbuild's service process would otherwise outlive the command that rebuilt.
  const [result, vendor] = await (async () => {
    const ours = await esbuild.build(options);
    if (!VENDORED[name]) return [ours, undefined];
    const vendored = await esbuild.build({
      ...options,
      entryPoints: undefined,
      stdin: { contents: vendorEntry(specifiers), resolveDir: ROOT, sourcefile: `${name}-vendor-entry.js`, loader: "js" },
      outfile: vendorPath(name),
      packages: undefined,
      // The files Node itself would load (`require` and `node` conditions, `main`): not esbuild's default `module`
      // condition, which picks packages' ES builds (@smithy/core's dist-es) beside the CommonJS ones other packages
      // require, two copies of the same classes.
      conditions: ["node"],
      mainFields: ["main"],
      // asl-validator: loaded by Node (its own files); @aws/lambda-invoke-store: the SDK's, used only inside Lambda,
      // where it calls import(), which code-cached code cannot (code-cache.cjs).
      external: ["asl-validator", "@aws/lambda-invoke-store"],
      keepNames: false,
      metafile: false,
      plugins: [],
    });
    return [ours, vendored];
  })().finally(() => esbuild.stop());
  // An import() in our code works under tsx and jest but not in a code-cached bundle: refuse it here, by name.
  const dynamic = Object.entries(result.metafile.inputs).flatMap(([input, { imports }]) => imports.filter((i) => i.kind === "dynamic-import").map((i) => `${input}: import("${i.original ?? i.path}")`));
  if (dynamic.length) throw new Error(`${dynamic[0]}: the bundles cannot import() (code-cache.cjs); use importEsm from scripts/lib/import-esm.cjs`);
  fs.mkdirSync(BUILD, { recursive: true });
  for (const file of vendor?.outputFiles ?? []) writeAtomically(file.path, file.contents);
  // Our files only: packages change through npm ci, and the lazy and vendored packages' generated modules have no file.
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes("node_modules/") && !/^(lazy-package|vendored):/.test(input));
  // The bundle last: its time is what the staleness check compares against.
  writeAtomically(inputsPath(name), `${JSON.stringify(inputs)}\n`);
  const maps = result.outputFiles.filter((file) => file.path.endsWith(".map"));
  for (const file of maps) writeAtomically(file.path, file.contents);
  for (const file of result.outputFiles.filter((file) => !maps.includes(file))) writeAtomically(file.path, withBundleId(file.text));
}

/** A file's modification time; `missing` when it does not exist. */
function mtime(file, missing) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return missing;
  }
}

/**
 * Besides the sources: this file (the build's options), tsconfig.json (esbuild reads it) and npm's record of the last
 * install (the lazy packages' export names come from the installed packages).
 */
const BUILD_INPUTS = [__filename, path.join(ROOT, "tsconfig.json"), path.join(ROOT, "node_modules", ".package-lock.json")];

/** True when build/<name>.cjs is missing or older than any source file it was built from or BUILD_INPUTS. */
function isStale(name) {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsPath(name), "utf8"));
  } catch {
    return true;
  }
  const built = mtime(bundlePath(name), undefined);
  if (built === undefined) return true;
  if (VENDORED[name] && mtime(vendorPath(name), undefined) === undefined) return true;
  // A deleted source: rebuild (esbuild then reports it if something still imports it).
  // The inputs are relative paths esbuild wrote (normalized, with /): joined as strings, without path.join's
  // normalizing, which was most of this check's time over about 150 files.
  return BUILD_INPUTS.some((input) => mtime(input, 0) > built) || inputs.some((input) => mtime(`${ROOT}/${input}`, Infinity) > built);
}

/** esbuild's first error as one line, `file:line: text`. */
function firstError(error) {
  const [first] = error.errors ?? [];
  if (!first) return String(error.message).split("\n")[0];
  const text = first.text.split("\n")[0]; // a plugin's error (a missing package) carries Node's require stack below
  return first.location ? `${first.location.file}:${first.location.line}: ${text}` : text;
}

/**
 * Which code-cache data a run uses (code-cache.cjs variants): the CLI's command, since each command runs its own part
 * of the bundle (`emr info` compiled from data `emr --help` recorded would compile the rest of its functions anew);
 * one set for synth.
 */
function codeCacheVariant(name) {
  if (name !== "emr") return "";
  const command = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
  return command && /^[a-z][a-z-]{0,30}$/.test(command) ? command : "";
}

/** Runs an entry point: its bundle, rebuilt first when stale, or tsx on the TypeScript when the build fails. */
async function run(name) {
  if (process.env.SYNTH_SOURCE_MAPS === "1") process.setSourceMapsEnabled(true);
  if (isStale(name)) {
    try {
      await build(name);
    } catch (error) {
      process.stderr.write(`note: build/${name}.cjs could not be rebuilt (${firstError(error)}); running ${ENTRY_POINTS[name]} through tsx instead\n`);
      require("tsx/cjs");
      require(path.join(ROOT, ENTRY_POINTS[name]));
      return;
    }
  }
  if (CODE_CACHED.has(name) && process.env.SYNTH_SOURCE_MAPS !== "1") require("./code-cache.cjs").enable([BUILD], undefined, codeCacheVariant(name));
  require(bundlePath(name));
}

module.exports = { ENTRY_POINTS, build, importedNames, isStale, run };

if (require.main === module) {
  // One after the other: each build stops esbuild's service when it is done.
  (async () => {
    for (const name of Object.keys(ENTRY_POINTS)) await build(name);
  })().catch((error) => {
    process.stderr.write(`error: esbuild could not bundle the entry points: ${firstError(error)}\n`);
    process.exitCode = 1;
  });
}

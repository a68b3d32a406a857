// V8's code cache for the bundles in build/: each start of `npm run synth` otherwise parses and compiles the same
// 6 MB of JavaScript again, and compiles each function again on its first call. After the first run, the code V8
// compiled (the functions synth ran included: the cache is taken at exit) is kept in
// node_modules/.cache/emr-platform/v8/ and handed back to V8 at the next load (vm.Script's cachedData; Node 20 has
// no module.enableCompileCache).
//
// The key covers every input of the compiled code: the file as read (its inode, size and modification time, taken from
// the descriptor the content is read through, so they describe that content: hashing 5 MB of bundles cost more than
// any other step of loading them), Node's version (V8's) and the architecture; V8 also checks its own version and
// flags and refuses data that does not match (`cachedDataRejected`), which is then written anew. The bundles are
// written whole by a rename (compiled.cjs), so a rebuilt bundle is a new inode. Only files under the directories
// passed to `enable` are concerned; everything else loads as usual. Code compiled so has no dynamic-import callback
// on Node 20 (even given one, a vm.Script built from cached data drops it): the bundles import ES modules through
// scripts/lib/import-esm.cjs, outside them. Not used with SYNTH_SOURCE_MAPS=1: Node maps stack traces only for the
// modules its loader compiled.
"use strict";
const { isAscii } = require("node:buffer");
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

const CACHE = path.resolve(__dirname, "..", "..", "node_modules", ".cache", "emr-platform", "v8");

const sha256 = () => crypto.createHash("sha256");

/** What identifies a file's content without reading it all again: its inode, size and modification time. */
const fingerprintOf = (stats) => `${stats.dev}:${stats.ino} ${stats.size} ${stats.mtimeMs}`;

/**
 * The cache file for `filename` with this fingerprint (fingerprintOf, or any string that changes with the content), on
 * this Node and architecture: `<name>-<path hash>-<key>[@<variant>].v8`, so checkouts that share node_modules/.cache
 * keep one entry each. A variant is one way of running the file (the CLI's command): the data holds the functions the
 * recording run compiled, and `emr info` runs other functions than `emr --help`.
 */
function cacheFile(filename, fingerprint, cacheDir = CACHE, variant = "") {
  const where = sha256().update(filename).digest("hex").slice(0, 8);
  const key = sha256().update(`${process.version} ${process.arch}\n`).update(fingerprint).digest("hex").slice(0, 32);
  return path.join(cacheDir, `${path.basename(filename)}-${where}-${key}${variant ? `@${variant}` : ""}.v8`);
}

/** The cached data, or undefined when there is none (or it cannot be read: then it is compiled and written again). */
function readCache(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache whole or not at all, and removes the same file's entries for other contents. Never throws. */
function writeCache(file, data) {
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    const [, prefix, key] = /^(.*-)([0-9a-f]{32})(@[a-z-]+)?\.v8$/.exec(path.basename(file)); // prefix: the same file's entries
    for (const old of fs.readdirSync(dir)) if (old.startsWith(prefix) && !old.startsWith(`${prefix}${key}`)) fs.rmSync(path.join(dir, old), { force: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch {
    // A read-only checkout runs without the cache.
  }
}

/**
 * A run that does work the next runs of the same command will not (environments/validation-memo.ts: validating an
 * environment they will find remembered) says so by emitting this event on `process`; its compiled code would grow
 * the data every later run reads, so the next run records it instead.
 */
const UNREPRESENTATIVE_RUN = "emr-platform:unrepresentative-run";
let representative = true;
process.once(UNREPRESENTATIVE_RUN, () => {
  representative = false;
});

/** Records the cache at exit: V8 then includes every function the run compiled, not only the top level. */
const saveAtExit = (save) => process.once("exit", () => representative && save());

/**
 * Compiles and runs `content` (whose fingerprint is `fingerprint`) as the CommonJS module `module`, with V8's cached
 * data for it when there is valid data; otherwise `onMiss` gets the function that records it (by default at exit).
 * Returns whether cached data was used.
 */
function compileCached(module, content, filename, fingerprint, cacheDir = CACHE, onMiss = saveAtExit, variant = "") {
  const file = cacheFile(filename, fingerprint, cacheDir, variant);
  const cachedData = readCache(file);
  const script = new vm.Script(Module.wrap(content), { filename, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  if (!used) onMiss(() => writeCache(file, script.createCachedData()));
  const dirname = path.dirname(filename);
  const require = Module.createRequire(filename);
  script.runInThisContext({ displayErrors: true }).call(module.exports, module.exports, require, module, filename, dirname);
  return used;
}

/**
 * The file's content and the fingerprint of that same content: both from one descriptor. ASCII text (the vendor
 * bundles, whose strings esbuild escapes) is decoded as Latin-1, the same characters about ten times faster than
 * UTF-8 decoding, which was the largest cost of reading them (2.8 MB for the CLI, 3.5 MB for synth).
 */
function readWithFingerprint(filename) {
  const fd = fs.openSync(filename, "r");
  try {
    const fingerprint = fingerprintOf(fs.fstatSync(fd));
    const bytes = fs.readFileSync(fd);
    return { fingerprint, content: bytes.toString(isAscii(bytes) ? "latin1" : "utf8") };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * From now on, files under `directories` load through compileCached (CommonJS `.js`/`.cjs` files: the bundles), with
 * the data recorded for `variant` (a-z and -, or "" for one set of data per file).
 */
function enable(directories, cacheDir = CACHE, variant = "") {
  if (!/^[a-z-]*$/.test(variant)) throw new Error(`code cache variant "${variant}": use a-z and - only`);
  const roots = directories.map((d) => path.resolve(d) + path.sep);
  const load = Module._extensions[".js"];
  Module._extensions[".js"] = function (module, filename) {
    if (!roots.some((root) => filename.startsWith(root))) return load.call(this, module, filename);
    const { content, fingerprint } = readWithFingerprint(filename);
    compileCached(module, content, filename, fingerprint, cacheDir, saveAtExit, variant);
    return undefined;
  };
}

module.exports = { cacheFile, compileCached, enable, fingerprintOf, UNREPRESENTATIVE_RUN };

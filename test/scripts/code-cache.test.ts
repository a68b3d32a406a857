/** V8's code cache for the bundles (scripts/bin/code-cache.cjs): used when it matches the file, never when stale. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const CODE_CACHE = path.resolve(__dirname, "..", "..", "scripts", "bin", "code-cache.cjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheFile } = require(CODE_CACHE) as { cacheFile(filename: string, content: string, cacheDir: string): string };

const source = (answer: number) => `module.exports = { answer: (() => ${answer})(), dir: __dirname };`;

/**
 * Loads `content` as the module `filename` through the cache, in a new process (V8 also keeps compiled scripts in
 * memory, which would answer a second load in the same process): whether cached data was used, and the exports.
 */
function load(content: string, filename: string, cacheDir: string): { used: boolean; exports: unknown } {
  const script = `
    const Module = require("node:module");
    const module = new Module(${JSON.stringify(filename)});
    const used = require(${JSON.stringify(CODE_CACHE)}).compileCached(module, ${JSON.stringify(content)}, ${JSON.stringify(filename)}, ${JSON.stringify(cacheDir)}, (save) => save());
    console.log(JSON.stringify({ used, exports: module.exports }));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as { used: boolean; exports: unknown };
}

const entry = (filename: string, content: string, cacheDir: string) => path.basename(cacheFile(filename, content, cacheDir));

describe("the code cache", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "code-cache-"));
  const cacheDir = path.join(dir, "cache");
  const filename = path.join(dir, "bundle.cjs");

  it("compiles a module without data, then with the data it recorded", () => {
    expect(load(source(1), filename, cacheDir)).toEqual({ used: false, exports: { answer: 1, dir } });
    expect(load(source(1), filename, cacheDir)).toEqual({ used: true, exports: { answer: 1, dir } });
    expect(readdirSync(cacheDir)).toEqual([entry(filename, source(1), cacheDir)]);
  });

  it("never uses data recorded for other content: a changed file gets a new entry, and the old one goes", () => {
    load(source(1), filename, cacheDir);
    expect(load(source(2), filename, cacheDir)).toEqual({ used: false, exports: { answer: 2, dir } });
    expect(readdirSync(cacheDir)).toEqual([entry(filename, source(2), cacheDir)]);
    expect(load(source(2), filename, cacheDir).used).toBe(true);
  });

  it("keys on the whole content and the file's path", () => {
    const base = cacheFile(filename, source(1), cacheDir);
    expect(cacheFile(filename, source(1).replace("1", "7"), cacheDir)).not.toBe(base);
    expect(cacheFile(path.join(dir, "other", "bundle.cjs"), source(1), cacheDir)).not.toBe(base);
    expect(base).toContain(path.join(cacheDir, "bundle.cjs-"));
  });

  it("recompiles and rewrites data that V8 refuses (corrupt, or from another V8)", () => {
    load(source(3), filename, cacheDir);
    writeFileSync(cacheFile(filename, source(3), cacheDir), "not V8 data");
    expect(load(source(3), filename, cacheDir)).toEqual({ used: false, exports: { answer: 3, dir } });
    expect(load(source(3), filename, cacheDir).used).toBe(true);
  });

  it("loads only files under the enabled directories through the cache, recording it at exit", () => {
    const enabled = path.join(dir, "enabled");
    mkdirSync(enabled);
    writeFileSync(path.join(enabled, "in.cjs"), source(4));
    writeFileSync(path.join(dir, "out.cjs"), source(5));
    const run = (file: string) =>
      execFileSync(process.execPath, ["-e", `require(${JSON.stringify(CODE_CACHE)}).enable([${JSON.stringify(enabled)}], ${JSON.stringify(cacheDir)}); console.log(require(${JSON.stringify(file)}).answer)`], { encoding: "utf8" });
    const before = readdirSync(cacheDir);
    expect(run(path.join(enabled, "in.cjs"))).toBe("4\n");
    expect(run(path.join(dir, "out.cjs"))).toBe("5\n");
    expect(readdirSync(cacheDir).filter((f) => !before.includes(f))).toEqual([entry(path.join(enabled, "in.cjs"), source(4), cacheDir)]);
  });
});

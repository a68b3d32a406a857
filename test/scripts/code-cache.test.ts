/** V8's code cache for the bundles (scripts/bin/code-cache.cjs): used when it matches the file, never when stale. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync, type Stats } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const CODE_CACHE = path.resolve(__dirname, "..", "..", "scripts", "bin", "code-cache.cjs");
const IMPORT_ESM = path.resolve(__dirname, "..", "..", "scripts", "lib", "import-esm.cjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheFile, fingerprintOf } = require(CODE_CACHE) as {
  fingerprintOf(stats: Stats): string;
  cacheFile(filename: string, fingerprint: string, cacheDir: string, variant?: string): string;
};

const source = (answer: number) => `module.exports = { answer: (() => ${answer})(), dir: __dirname };`;

/**
 * Loads `content` as the module `filename` through the cache, in a new process (V8 also keeps compiled scripts in
 * memory, which would answer a second load in the same process): whether cached data was used, and the exports. The
 * content stands for its own fingerprint here; `enable` (below) fingerprints real files.
 */
function load(content: string, filename: string, cacheDir: string): { used: boolean; exports: unknown } {
  const script = `
    const Module = require("node:module");
    const module = new Module(${JSON.stringify(filename)});
    const used = require(${JSON.stringify(CODE_CACHE)}).compileCached(module, ${JSON.stringify(content)}, ${JSON.stringify(filename)}, ${JSON.stringify(content)}, ${JSON.stringify(cacheDir)}, (save) => save());
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

  it("keys on the fingerprint and the file's path", () => {
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
    const file = path.join(enabled, "in.cjs");
    expect(readdirSync(cacheDir).filter((f) => !before.includes(f))).toEqual([entry(file, fingerprintOf(statSync(file)), cacheDir)]);
  });

  it("never serves a file's old data once the file is rewritten, even at the same length", () => {
    const enabled = path.join(dir, "rewritten");
    mkdirSync(enabled);
    const file = path.join(enabled, "bundle.cjs");
    const run = () => execFileSync(process.execPath, ["-e", `require(${JSON.stringify(CODE_CACHE)}).enable([${JSON.stringify(enabled)}], ${JSON.stringify(cacheDir)}); console.log(require(${JSON.stringify(file)}).answer)`], { encoding: "utf8" });
    writeFileSync(file, source(6));
    expect([run(), run()]).toEqual(["6\n", "6\n"]); // the second from the data the first recorded
    const recorded = entry(file, fingerprintOf(statSync(file)), cacheDir);
    expect(readdirSync(cacheDir)).toContain(recorded);
    writeFileSync(file, source(8)); // same length, same inode: only the modification time differs
    expect(run()).toBe("8\n");
    expect(readdirSync(cacheDir)).not.toContain(recorded);
  });

  it("keeps one entry per variant (the CLI's command), and drops every variant of a file's old content", () => {
    const enabled = path.join(dir, "variants");
    mkdirSync(enabled);
    const file = path.join(enabled, "bundle.cjs");
    const run = (variant: string) =>
      execFileSync(process.execPath, ["-e", `require(${JSON.stringify(CODE_CACHE)}).enable([${JSON.stringify(enabled)}], ${JSON.stringify(cacheDir)}, ${JSON.stringify(variant)}); console.log(require(${JSON.stringify(file)}).answer)`], { encoding: "utf8" });
    const entries = () => readdirSync(cacheDir).filter((f) => f.startsWith("bundle.cjs-") && f.includes(path.basename(cacheFile(file, "", cacheDir)).split("-")[1]));
    writeFileSync(file, source(1));
    expect([run("info"), run("steps"), run("")]).toEqual(["1\n", "1\n", "1\n"]);
    const fingerprint = fingerprintOf(statSync(file));
    expect(entries().sort()).toEqual([cacheFile(file, fingerprint, cacheDir), cacheFile(file, fingerprint, cacheDir, "info"), cacheFile(file, fingerprint, cacheDir, "steps")].map((f) => path.basename(f)).sort());
    writeFileSync(file, source(2));
    expect(run("info")).toBe("2\n");
    expect(entries()).toEqual([path.basename(cacheFile(file, fingerprintOf(statSync(file)), cacheDir, "info"))]);
  });

  it("reads a file with other characters than ASCII as UTF-8 (ASCII ones as Latin-1, the same text)", () => {
    const enabled = path.join(dir, "decoded");
    mkdirSync(enabled);
    const run = (file: string) =>
      execFileSync(process.execPath, ["-e", `require(${JSON.stringify(CODE_CACHE)}).enable([${JSON.stringify(enabled)}], ${JSON.stringify(cacheDir)}); console.log(JSON.stringify(require(${JSON.stringify(file)})))`], { encoding: "utf8" });
    const ascii = path.join(enabled, "ascii.cjs");
    writeFileSync(ascii, `module.exports = { text: "caf\\u00e9 \\u2192", matches: /[\\u2502]/.test("\\u2502") };`);
    const utf8 = path.join(enabled, "utf8.cjs");
    writeFileSync(utf8, `// caf\u00e9 \u2192\nmodule.exports = { text: "caf\u00e9 \u2192", matches: /[\u2502]/.test("\u2502") };`);
    expect(JSON.parse(run(ascii))).toEqual({ text: "café →", matches: true });
    expect([JSON.parse(run(utf8)), JSON.parse(run(utf8))]).toEqual([{ text: "café →", matches: true }, { text: "café →", matches: true }]);
  });

  it("records nothing for a run that says it is unrepresentative; the next run records", () => {
    const enabled = path.join(dir, "unrepresentative");
    mkdirSync(enabled);
    const file = path.join(enabled, "bundle.cjs");
    writeFileSync(file, source(11));
    const run = (emit: boolean) =>
      execFileSync(process.execPath, ["-e", `const c = require(${JSON.stringify(CODE_CACHE)}); c.enable([${JSON.stringify(enabled)}], ${JSON.stringify(cacheDir)}); console.log(require(${JSON.stringify(file)}).answer); ${emit ? "process.emit(c.UNREPRESENTATIVE_RUN);" : ""}`], { encoding: "utf8" });
    const recorded = entry(file, fingerprintOf(statSync(file)), cacheDir);
    expect(run(true)).toBe("11\n");
    expect(readdirSync(cacheDir)).not.toContain(recorded);
    expect(run(false)).toBe("11\n");
    expect(readdirSync(cacheDir)).toContain(recorded);
  });

  it("leaves cached code without import(), which it reaches through scripts/lib/import-esm.cjs", () => {
    const enabled = path.join(dir, "importing");
    mkdirSync(enabled);
    const answer = path.join(dir, "answer.mjs");
    writeFileSync(answer, "export const answer = 9;\n");
    const run = (file: string) => {
      const script = `require(${JSON.stringify(CODE_CACHE)}).enable([${JSON.stringify(enabled)}], ${JSON.stringify(cacheDir)}); require(${JSON.stringify(file)}).then((a) => console.log(a), (e) => console.log(e.code));`;
      return spawnSync(process.execPath, ["-e", script], { encoding: "utf8" }).stdout;
    };
    const direct = path.join(enabled, "direct.cjs");
    writeFileSync(direct, `module.exports = import(${JSON.stringify(answer)}).then((m) => m.answer);`);
    expect(run(direct)).toBe("ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING\n");
    const through = path.join(enabled, "through.cjs");
    writeFileSync(through, `module.exports = require(${JSON.stringify(IMPORT_ESM)}).importEsm(${JSON.stringify(answer)}).then((m) => m.answer);`);
    expect([run(through), run(through)]).toEqual(["9\n", "9\n"]);
  });
});

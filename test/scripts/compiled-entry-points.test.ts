/**
 * The entry points as people run them (scripts/bin/emr.cjs, scripts/bin/synth.cjs): compiled bundles in build/, rebuilt
 * when a source is newer, lazy about what `--help` does not need, and mapped back to TypeScript on SYNTH_SOURCE_MAPS=1.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../support/moto-server";

const exec = promisify(execFile);
const EMR = "scripts/bin/emr.cjs";
const BUNDLE = path.join(REPO_ROOT, "build", "emr.cjs");
const preload = (name: string) => path.join(REPO_ROOT, "test", "support", name);

describe("the emr bundle", () => {
  it("is rebuilt before it runs when it is older than its sources, printing nothing extra", async () => {
    await exec(process.execPath, [EMR, "--help"], { cwd: REPO_ROOT }); // builds it if missing
    utimesSync(BUNDLE, new Date(0), new Date(0));
    const { stdout, stderr } = await exec(process.execPath, [EMR, "--help"], { cwd: REPO_ROOT });
    expect(stdout).toMatch(/^Usage: emr \[options\] \[command\]/);
    expect(stderr).toBe("");
    expect(statSync(BUNDLE).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  }, 60_000);

  it("answers --help without loading any AWS SDK package (from node_modules or its vendor bundle)", async () => {
    const { stdout, stderr } = await exec(process.execPath, ["--require", preload("loaded-modules.cjs"), EMR, "--help"], { cwd: REPO_ROOT });
    expect(stdout).toMatch(/^Usage: emr /);
    const loaded = JSON.parse(stderr.trim().split("\n").pop() ?? "[]") as string[];
    expect(loaded.filter((file) => /node_modules\/(@aws-sdk|@smithy)\/|build\/emr-vendor\.cjs$/.test(file))).toEqual([]);
    expect(loaded).toContain(BUNDLE);
  }, 30_000);

  it("names the TypeScript files in stack traces with SYNTH_SOURCE_MAPS=1, the bundle without", async () => {
    const argv = ["--require", preload("throw-on-first-write.cjs"), EMR, "--debug", "--help"];
    const mapped = await exec(process.execPath, argv, { cwd: REPO_ROOT, env: { ...process.env, SYNTH_SOURCE_MAPS: "1" } }).catch((e: { stderr: string }) => e);
    expect(mapped.stderr).toMatch(/^error: unexpected error: probe\n/);
    expect(mapped.stderr).toMatch(/\(.*\/scripts\/cli\.ts:\d+:\d+\)/);
    const plain = await exec(process.execPath, argv, { cwd: REPO_ROOT, env: { ...process.env, SYNTH_SOURCE_MAPS: "" } }).catch((e: { stderr: string }) => e);
    expect(plain.stderr).toMatch(/\(.*\/build\/emr\.cjs:\d+:\d+\)/);
  }, 30_000);
});

describe("the emr bundle's environments", () => {
  const MEMO = path.join(REPO_ROOT, "node_modules", ".cache", "emr-platform", "environments");

  it("are validated once per bundle and input: the next run answers from the entry the first wrote", async () => {
    await exec(process.execPath, [EMR, "--help"], { cwd: REPO_ROOT }); // builds it if missing
    const id = /"([0-9a-f]{32})"/.exec(/bundleId = .*/.exec(readFileSync(BUNDLE, "latin1"))?.[0] ?? "")?.[1];
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // An input no run validated before: a closed port, so `info` fails at its first request, after the environment.
    const env = { ...process.env, EMR_LOCAL_ENDPOINT: `http://127.0.0.1:9/memo-${process.pid}-${Date.now()}` };
    const entries = () => (readdirSync(MEMO, { withFileTypes: true }) as { name: string }[]).map((e) => e.name).filter((n) => n.includes(`-local-${id}-`));
    const before = await (async () => {
      try {
        return entries();
      } catch {
        return [];
      }
    })();
    const info = () => exec(process.execPath, [EMR, "info", "local"], { cwd: REPO_ROOT, env }).catch((e: { code: number; stderr: string }) => e);
    const first = await info();
    const added = entries().filter((n) => !before.includes(n));
    expect(added).toHaveLength(1);
    const written = statSync(path.join(MEMO, added[0])).mtimeMs;
    const second = await info();
    expect(second).toEqual(first);
    expect(first.stderr).toMatch(/cannot reach the EMR endpoint/);
    expect(entries().filter((n) => !before.includes(n))).toEqual(added);
    expect(statSync(path.join(MEMO, added[0])).mtimeMs).toBe(written); // read, not validated and written again
  }, 60_000);
});

describe("the lazy AWS SDK modules' names (compiled.cjs importedNames)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { importedNames } = require(path.join(REPO_ROOT, "scripts", "bin", "compiled.cjs")) as { importedNames(importer: string, specifier: string): string[] | undefined };
  const file = (text: string) => {
    const name = path.join(mkdtempSync(path.join(tmpdir(), "imported-names-")), "importer.ts");
    writeFileSync(name, text);
    return name;
  };

  it("are the values a file imports by name, across its statements, without types", () => {
    const importer = file(`import { A, type T, B as C } from "@aws-sdk/client-x";\nimport type { U } from "@aws-sdk/client-x";\nimport {\n  D,\n} from '@aws-sdk/client-x';\nimport { E } from "@aws-sdk/client-y";\n`);
    expect(importedNames(importer, "@aws-sdk/client-x")).toEqual(["A", "B", "D"]);
  });

  it("are every name (undefined) when the file imports the package any other way", () => {
    expect(importedNames(file(`import * as x from "@aws-sdk/client-x";\n`), "@aws-sdk/client-x")).toBeUndefined();
    expect(importedNames(file(`import { A } from "@aws-sdk/client-x";\nconst x = require("@aws-sdk/client-x");\n`), "@aws-sdk/client-x")).toBeUndefined();
  });
});

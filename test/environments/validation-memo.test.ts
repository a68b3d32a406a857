/** Validated environments remembered across CLI runs (environments/validation-memo.ts): same answer, never stale. */
import type * as Fs from "node:fs";
import { copyFileSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError, loadEnvironment } from "../../environments";
import type * as Environments from "../../environments";
import { DEFAULT_PRICES_PATH } from "../../environments/instance-types";
import { ENVIRONMENT_NAMES } from "../../environments/names";
import { bundleId, loadEnvironmentMemoized, type MemoOptions, UNREPRESENTATIVE_RUN, VALIDATION_FILES } from "../../environments/validation-memo";

const ID = "0123456789abcdef0123456789abcdef";
const ENV = { EMR_LOCAL_ENDPOINT: "http://localhost:4566" };

/** A memo in its own folder, over copies of the validation files (so a test can change them), counting validations. */
function memo(id = ID) {
  const dir = mkdtempSync(path.join(tmpdir(), "validation-memo-"));
  const files = VALIDATION_FILES.map((file, i) => {
    const copy = path.join(dir, `input-${i}-${path.basename(file)}`);
    copyFileSync(file, copy);
    return copy;
  });
  const validated: string[] = [];
  const options: MemoOptions = {
    id,
    dir: path.join(dir, "memo"),
    files,
    validate: (name, env) => {
      validated.push(name);
      return loadEnvironment(name, env);
    },
  };
  return { options, files, validated, entries: () => readdirSync(options.dir as string).sort() };
}

describe("the validation memo", () => {
  it("validates at every load without a bundle id (TypeScript run by tsx or jest)", () => {
    expect(bundleId()).toBeUndefined();
    const { options, validated } = memo();
    const unbundled = { ...options, id: undefined };
    loadEnvironmentMemoized("dev", ENV, unbundled);
    loadEnvironmentMemoized("dev", ENV, unbundled);
    expect(validated).toEqual(["dev", "dev"]);
  });

  it("answers a second load from the memo with the config validation gave, for each environment", () => {
    const { options, validated, entries } = memo();
    for (const name of ENVIRONMENT_NAMES) {
      const first = loadEnvironmentMemoized(name, ENV, options);
      const second = loadEnvironmentMemoized(name, ENV, options);
      expect(second).toStrictEqual(loadEnvironment(name, ENV));
      expect(second).toStrictEqual(first);
    }
    expect(validated).toEqual([...ENVIRONMENT_NAMES]);
    expect(entries()).toHaveLength(ENVIRONMENT_NAMES.length);
  });

  it("validates again when the input changes (the local endpoint override)", () => {
    const { options, validated } = memo();
    loadEnvironmentMemoized("local", ENV, options);
    const moved = loadEnvironmentMemoized("local", { EMR_LOCAL_ENDPOINT: "http://localhost:5999" }, options);
    expect(moved.endpoint).toBe("http://localhost:5999");
    expect(validated).toEqual(["local", "local"]);
  });

  it("validates again when a file validation reads changes", () => {
    const { options, files, validated } = memo();
    loadEnvironmentMemoized("dev", ENV, options);
    utimesSync(files[0], new Date(), new Date(Date.now() + 5000));
    loadEnvironmentMemoized("dev", ENV, options);
    expect(validated).toEqual(["dev", "dev"]);
    writeFileSync(files[1], "{}"); // the validator here reads the real files: this shows the memo's key, not the check
    loadEnvironmentMemoized("dev", ENV, options);
    expect(validated).toEqual(["dev", "dev", "dev"]);
  });

  it("keeps only the current bundle's entries of this checkout: a new id validates again and removes the old ones", () => {
    const old = memo("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    loadEnvironmentMemoized("dev", ENV, old.options);
    loadEnvironmentMemoized("prod", ENV, old.options);
    const otherCheckout = path.join(old.options.dir as string, "0badcafe-dev-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-0123456789abcdef0123456789abcdef.v8");
    writeFileSync(otherCheckout, "another checkout's entry (node_modules shared by worktrees)");
    expect(old.entries()).toHaveLength(3);
    const current = { ...old.options, id: ID };
    loadEnvironmentMemoized("dev", ENV, current);
    expect(old.validated).toEqual(["dev", "prod", "dev"]);
    expect(old.entries()).toEqual([path.basename(otherCheckout), expect.stringMatching(new RegExp(`^[0-9a-f]{8}-dev-${ID}-[0-9a-f]{32}\\.v8$`))].sort());
  });

  it("remembers nothing, and tells the code cache nothing, when a file it read changed during validation", () => {
    const { options, files, validated, entries } = memo();
    const heard: string[] = [];
    const listener = () => heard.push("validated");
    process.on(UNREPRESENTATIVE_RUN, listener);
    const touching = { ...options, validate: (name: string, env: NodeJS.ProcessEnv) => (utimesSync(files[0], new Date(), new Date(Date.now() + 9000)), options.validate!(name, env)) };
    try {
      expect(loadEnvironmentMemoized("dev", ENV, touching).name).toBe("dev");
    } finally {
      process.off(UNREPRESENTATIVE_RUN, listener);
    }
    expect(() => entries()).toThrow(/ENOENT/);
    expect(heard).toEqual([]);
    expect(validated).toEqual(["dev"]);
  });

  it("tells the code cache nothing when the entry cannot be written", () => {
    const { options } = memo();
    writeFileSync(options.dir as string, "a file where the memo's folder would be");
    const heard: string[] = [];
    const listener = () => heard.push("validated");
    process.on(UNREPRESENTATIVE_RUN, listener);
    try {
      expect(loadEnvironmentMemoized("dev", ENV, options).name).toBe("dev");
    } finally {
      process.off(UNREPRESENTATIVE_RUN, listener);
    }
    expect(heard).toEqual([]);
  });

  it("remembers no failure: an invalid config is a ConfigError at every load", () => {
    const { options, entries } = memo();
    const failing = { ...options, validate: () => loadEnvironment("nowhere") };
    expect(() => loadEnvironmentMemoized("dev", ENV, failing)).toThrow(ConfigError);
    expect(() => loadEnvironmentMemoized("dev", ENV, failing)).toThrow('unknown environment "nowhere"');
    expect(() => entries()).toThrow(/ENOENT/);
    expect(() => loadEnvironmentMemoized("staging-eu", ENV, options)).toThrow('unknown environment "staging-eu"');
  });

  it("validates again over an unreadable entry, and rewrites it", () => {
    const { options, validated, entries } = memo();
    loadEnvironmentMemoized("dev", ENV, options);
    const [entry] = entries();
    writeFileSync(path.join(options.dir as string, entry), "not v8 data");
    expect(loadEnvironmentMemoized("dev", ENV, options)).toStrictEqual(loadEnvironment("dev", ENV));
    expect(loadEnvironmentMemoized("dev", ENV, options).name).toBe("dev");
    expect(validated).toEqual(["dev", "dev"]);
  });

  it("tells the code cache (scripts/bin/code-cache.cjs, same event name) when a run validated, and only then", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const codeCache = require("../../scripts/bin/code-cache.cjs") as { UNREPRESENTATIVE_RUN: string };
    expect(codeCache.UNREPRESENTATIVE_RUN).toBe(UNREPRESENTATIVE_RUN);
    const { options } = memo();
    const heard: string[] = [];
    const listener = () => heard.push("validated");
    process.on(UNREPRESENTATIVE_RUN, listener);
    try {
      loadEnvironmentMemoized("dev", ENV, options);
      loadEnvironmentMemoized("dev", ENV, options);
    } finally {
      process.off(UNREPRESENTATIVE_RUN, listener);
    }
    expect(heard).toEqual(["validated"]);
  });

  it("keys on exactly the files validating the environments reads", () => {
    // The module object the environments' code calls through (a namespace import here would be a copy), and each of
    // its functions that reads or looks at a file by name.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("node:fs") as Record<string, unknown> & typeof Fs;
    const read = new Set<string>();
    const spies = ["readFileSync", "openSync", "existsSync", "statSync", "lstatSync", "readdirSync", "accessSync", "createReadStream"].map((name) => {
      const original = fs[name] as (...args: unknown[]) => unknown;
      return jest.spyOn(fs as Record<string, (...args: unknown[]) => unknown>, name).mockImplementation((file: unknown, ...rest: unknown[]) => {
        if (typeof file === "string") read.add(path.resolve(file));
        return original(file, ...rest);
      });
    });
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require("../../environments") as typeof Environments; // a new registry: nothing read yet
        for (const name of ENVIRONMENT_NAMES) fresh.loadEnvironment(name, ENV);
      });
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect([...read].sort()).toEqual([...VALIDATION_FILES].map((f) => path.resolve(f)).sort());
    expect(VALIDATION_FILES).toContain(DEFAULT_PRICES_PATH);
  });
});

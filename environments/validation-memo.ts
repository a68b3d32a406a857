/**
 * Validated environments remembered between runs of the CLI's bundle. Validating one environment builds every zod
 * schema of the environments and then parses (about 40 ms together, the largest part of `emr info` that is our own
 * code: npm run bench), and gives the same config each time for the same code, input and files read.
 *
 * The memo is keyed by all three, so a changed one is a miss, validated and remembered anew:
 *  - the code: the bundle's id, a hash of its text that scripts/bin/compiled.cjs writes into it at build time (zod,
 *    the only package validation uses, is bundled in), and Node's version. Under tsx and jest there is no bundle and
 *    no memo: every load validates;
 *  - the input: effectiveInput (the environment file with its EMR_LOCAL_ENDPOINT override), as JSON;
 *  - the files validation reads: VALIDATION_FILES, by inode, size and modification time (a test checks that validating
 *    each environment reads these and no others).
 * A config that fails validation is not remembered: its ConfigError is made again at each run. A checkout's entries
 * of older bundles are removed when it writes a new one.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { CATALOG_FILE } from "../contracts/job-catalog";
import type * as Environments from "./index";
import { effectiveInput, isEnvironmentName } from "./inputs";
import type { EnvironmentConfig } from "./schema";

/** Replaced by esbuild's `define` in the bundles (scripts/bin/compiled.cjs); not declared anywhere else. */
declare const EMR_BUNDLE_ID: string | undefined;

/** The bundle's id, or undefined when this code runs from its TypeScript source (tsx, jest). */
export const bundleId = (): string | undefined => (typeof EMR_BUNDLE_ID === "string" ? EMR_BUNDLE_ID : undefined);

/** The files validation reads besides its code: the instance types' price table and the job catalogue. */
export const VALIDATION_FILES: readonly string[] = [join(__dirname, "instance-types.json"), CATALOG_FILE];

/**
 * What a miss that was remembered tells scripts/bin/code-cache.cjs (which spells it the same): the next runs will not
 * compile the schemas, so this run's compiled code is not the one to record for them.
 */
export const UNREPRESENTATIVE_RUN = "emr-platform:unrepresentative-run";

/** Beside the code cache of the bundles (scripts/bin/code-cache.cjs). */
export const MEMO_DIR = join(__dirname, "..", "node_modules", ".cache", "emr-platform", "environments");

export interface MemoOptions {
  /** The code's id; no memo without one. Default: bundleId(). */
  id?: string;
  dir?: string;
  files?: readonly string[];
  /** The validation remembered. Default: loadEnvironment, loaded only on a miss (it builds the schemas). */
  validate?: (name: string, env: NodeJS.ProcessEnv) => EnvironmentConfig;
}

const loadEnvironment = (name: string, env: NodeJS.ProcessEnv): EnvironmentConfig =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require("./index") as typeof Environments).loadEnvironment(name, env);

/** A file's identity without reading it; "missing" when it cannot be read (validation then reports it). */
function fingerprint(file: string): string {
  try {
    const stats = statSync(file);
    return `${stats.dev}:${stats.ino} ${stats.size} ${stats.mtimeMs}`;
  } catch {
    return "missing";
  }
}

/** This checkout, as the start of its entries' names: checkouts that share node_modules keep their entries apart. */
const CHECKOUT = createHash("sha256").update(__dirname).digest("hex").slice(0, 8);

/** The memo file of `name` for this code, input and files: `<checkout>-<name>-<id>-<key>.v8`. */
export function memoFile(name: string, id: string, env: NodeJS.ProcessEnv, dir: string, files: readonly string[]): string | undefined {
  if (!isEnvironmentName(name) || !/^[0-9a-f]+$/.test(id)) return undefined;
  const key = createHash("sha256")
    .update(`${process.version}\n${JSON.stringify(effectiveInput(name, env))}\n`)
    .update(files.map(fingerprint).join("\n"))
    .digest("hex")
    .slice(0, 32);
  return join(dir, `${CHECKOUT}-${name}-${id}-${key}.v8`);
}

function read(file: string): EnvironmentConfig | undefined {
  try {
    return deserialize(readFileSync(file)) as EnvironmentConfig;
  } catch {
    return undefined; // none yet, or unreadable: validate again
  }
}

/**
 * Writes the entry whole or not at all (parallel CLI runs) and removes this checkout's entries of older bundles.
 * Whether it was written; never throws.
 */
function remember(file: string, dir: string, id: string, config: EnvironmentConfig): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    for (const entry of readdirSync(dir)) if (entry.startsWith(`${CHECKOUT}-`) && !entry.includes(`-${id}-`)) rmSync(join(dir, entry), { force: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, serialize(config));
    renameSync(temporary, file);
    return true;
  } catch {
    return false; // a read-only checkout validates at every run
  }
}

/** loadEnvironment(name, env), remembered across runs of the same bundle (see the top of this file). */
export function loadEnvironmentMemoized(name: string, env: NodeJS.ProcessEnv = process.env, options: MemoOptions = {}): EnvironmentConfig {
  const { id = bundleId(), dir = MEMO_DIR, files = VALIDATION_FILES, validate = loadEnvironment } = options;
  if (id === undefined) return validate(name, env);
  const file = memoFile(name, id, env, dir, files);
  if (file === undefined) return validate(name, env);
  const remembered = read(file);
  if (remembered !== undefined) return remembered;
  const config = validate(name, env);
  // Remembered under the key it was validated for: not when a file it read changed meanwhile (a new key now).
  if (memoFile(name, id, env, dir, files) === file && remember(file, dir, id, config)) (process as NodeJS.EventEmitter).emit(UNREPRESENTATIVE_RUN);
  return config;
}

/**
 * The job catalogue, read from spark-jobs/catalog.json (generated from each job's own argparse parser by
 * `npm run jobs:catalog`). One list of job names, aliases and typed options for the CLI's `submit` and for pipeline
 * steps, so a typo in a job name or an option fails before anything reaches AWS.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type OptionType =
  | "string"
  | "integer"
  | "number"
  | "date"
  | "positiveInt"
  | "positiveNumber"
  | "fraction"
  | "positiveIntList"
  | "enum"
  | "flag";

export interface JobOption {
  readonly flag: string;
  readonly required: boolean;
  readonly help: string;
  readonly type: OptionType;
  readonly values?: readonly string[];
  readonly default?: unknown;
}

export interface CatalogJob {
  readonly name: string;
  readonly aliases: readonly string[];
  /** Relative to spark-jobs/. */
  readonly entrypoint: string;
  readonly summary: string;
  /** What exit code 2 means for this job (a gate or threshold), or null when it never exits 2. */
  readonly exit2: string | null;
  /** Imports pandas/pyarrow or hands data to pandas (spark-jobs/src/emr_jobs/runtime_needs.py). */
  readonly needsPandas: boolean;
  /** Why EMR Serverless's own image (Python 3.9, no pandas) cannot run the job (pandas, or code Python 3.9 rejects),
   * or null when it can; such a job runs on EMR Serverless only with the jobs' image (serverless.imageTag). */
  readonly emrImageBlocker: string | null;
  readonly options: readonly JobOption[];
}

export interface JobCatalog {
  readonly jobs: readonly CatalogJob[];
}

export const CATALOG_FILE = join(__dirname, "..", "spark-jobs", "catalog.json");

let cached: JobCatalog | undefined;

export function loadJobCatalog(file = CATALOG_FILE): JobCatalog {
  if (file === CATALOG_FILE && cached) return cached;
  const catalog = JSON.parse(readFileSync(file, "utf8")) as JobCatalog;
  if (file === CATALOG_FILE) cached = catalog;
  return catalog;
}

/** Every name an operator may type: canonical names first, then aliases. */
export function jobNames(catalog: JobCatalog = loadJobCatalog()): string[] {
  return [...catalog.jobs.map((j) => j.name), ...catalog.jobs.flatMap((j) => j.aliases)];
}

/** The job for a canonical name or alias, or an error message that lists what exists. */
export function findJob(requested: string, catalog: JobCatalog = loadJobCatalog()): CatalogJob | string {
  const job = catalog.jobs.find((j) => j.name === requested || j.aliases.includes(requested));
  return job ?? `unknown job "${requested}"; fix: one of ${jobNames(catalog).join(", ")}`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Values that are resolved at run time (`{date}`, `{data_bucket}`, ...) are checked only for shape, not type. */
const PLACEHOLDER = /\{[a-z_]+\}/;

function valueProblem(option: JobOption, value: string): string | undefined {
  if (PLACEHOLDER.test(value)) return undefined;
  const num = Number(value);
  switch (option.type) {
    case "string":
      return value === "" ? "expected a non-empty value" : undefined;
    case "integer":
      return Number.isInteger(num) && value.trim() !== "" ? undefined : "expected an integer";
    case "number":
      return Number.isFinite(num) && value.trim() !== "" ? undefined : "expected a number";
    case "positiveInt":
      return Number.isInteger(num) && num > 0 ? undefined : "expected a positive integer";
    case "positiveNumber":
      return Number.isFinite(num) && num > 0 ? undefined : "expected a positive number";
    case "fraction":
      return value.trim() !== "" && num >= 0 && num <= 1 ? undefined : "expected a fraction between 0 and 1";
    case "positiveIntList":
      return value.split(",").every((p) => Number.isInteger(Number(p)) && Number(p) > 0) && value !== ""
        ? undefined
        : "expected comma-separated positive integers";
    case "date":
      return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : "expected a date as YYYY-MM-DD";
    case "enum":
      return option.values?.includes(value) ? undefined : `expected one of ${option.values?.join(", ")}`;
    case "flag":
      return value === "" || value === "true" ? undefined : "is a switch and takes no value";
  }
}

/**
 * Checks a job's arguments, given as option name (without `--`) → value, against its declared options.
 * Returns every problem, each naming the option and the fix; an empty list means the arguments are valid.
 */
export function checkJobArguments(job: CatalogJob, args: Readonly<Record<string, string>>): string[] {
  const byName = new Map(job.options.map((o) => [o.flag.replace(/^--/, ""), o]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(args)) {
    const option = byName.get(name);
    if (!option) {
      problems.push(`${job.name} has no option --${name}; fix: one of ${[...byName.keys()].map((n) => `--${n}`).join(", ")}`);
      continue;
    }
    const problem = valueProblem(option, value);
    if (problem) problems.push(`${job.name} --${name} "${value}": ${problem}`);
  }
  for (const option of job.options) {
    const name = option.flag.replace(/^--/, "");
    if (option.required && !(name in args)) problems.push(`${job.name} needs ${option.flag}; fix: add it (${option.help})`);
  }
  return problems;
}

/** The argv a job receives for an argument record, in the record's order (switches carry no value). */
export function jobArgv(job: CatalogJob, args: Readonly<Record<string, string>>): string[] {
  const flags = new Map(job.options.map((o) => [o.flag.replace(/^--/, ""), o]));
  return Object.entries(args).flatMap(([name, value]) =>
    flags.get(name)?.type === "flag" ? [`--${name}`] : [`--${name}`, value],
  );
}

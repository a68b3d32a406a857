/**
 * Where a table's data lives, derived from the pipelines (environments/pipelines.ts): the job step that runs the
 * table's job writes under its `output` argument, the table's dataset is `<output><dataset>/`, and below that the
 * declared `k=v` partition directories. A `{date}` in the output path (dedup and tracker write per-date prefixes,
 * e.g. processed/tracker/{date}/state_daily/) becomes a projected `date` partition key of its own.
 *
 * Partition projection: Athena computes partitions from `storage.location.template` and the per-key
 * `projection.<key>.*` parameters instead of reading them from the catalog, so a new day needs no crawler and no
 * MSCK REPAIR ("Partition projection with Amazon Athena", "Supported types for partition projection":
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html,
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html).
 */
import type { TableDeclaration } from "../../contracts/catalog-tables";
import { findJob, type JobCatalog, loadJobCatalog } from "../../contracts/job-catalog";
import { leafSteps, type Pipeline } from "../../environments/pipelines";
import { STREAM_JOB_OUTPUT } from "../streaming/target";

/** Days since which the projected date partitions exist (a lower bound for Athena's enumeration). */
export const PROJECTION_START_DATE = "2020-01-01";

export interface ProjectedKey {
  readonly name: string;
  readonly type: string;
  /** The `projection.<name>.*` parameters of this key (without the prefix). */
  readonly projection: Readonly<Record<string, string>>;
}

export interface TableLocation {
  /** Key prefix in the data bucket up to the first projected key, e.g. "processed/tracker/". */
  readonly prefix: string;
  /** Key template in the data bucket with `${key}` per projected key, e.g. "processed/tracker/${date}/state_daily/". */
  readonly template: string;
  /** Partition keys in path order: the path's `{date}` first (when there is one), then the declared `k=v` keys. */
  readonly keys: readonly ProjectedKey[];
  /** "pipeline <name> step <step>", or why the location is a default. */
  readonly source: string;
}

const DATA_BUCKET_URI = "s3://{data_bucket}/";

/**
 * date: a `yyyy-MM-dd` day from PROJECTION_START_DATE to today ("NOW"); anything else (market): injected, so a
 * query names the value in its WHERE clause and Athena reads just that prefix — no list of markets to keep current.
 *
 * The stream's `batch` (a bigint micro-batch id) is injected too, not `integer`: the integer type needs a fixed
 * `range` ("Supported types for partition projection": projection.<key>.range, both ends inclusive), while batch
 * ids grow without end (8,640 a day at a 10 s trigger), so any fixed range either stops showing new batches or
 * makes every query without a batch filter probe millions of empty prefixes. Injected is the documented type for
 * keys "with high cardinality or when the values cannot be known in advance"; its price is that a query must name
 * the batches with static equality (`WHERE batch IN (41, 42)`, ids from the progress records), else Athena fails it
 * with CONSTRAINT_VIOLATION ("Use dynamic ID partitioning":
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html).
 */
function projectionOf(name: string, type: string): Record<string, string> {
  const isDate = type === "date" || name === "date" || name.endsWith("_date");
  return isDate
    ? { type: "date", format: "yyyy-MM-dd", range: `${PROJECTION_START_DATE},NOW`, interval: "1", "interval.unit": "DAYS" }
    : { type: "injected" };
}

/** `<dataset>/` and a `k=${k}/` folder per declared partition, below a job's output. */
function datasetPath(table: TableDeclaration): string {
  return `${table.dataset.replace(/^\/+|\/+$/g, "")}/${table.partitions.map((p) => `${p.name}=\${${p.name}}/`).join("")}`;
}

/** Every (pipeline, step) whose job is `job` (name or alias) with a string `output` argument, in declaration order. */
function outputsOf(job: string, pipelines: Readonly<Record<string, Pipeline>>, catalog: JobCatalog): { output: string; source: string }[] {
  const wanted = findJob(job, catalog);
  if (typeof wanted === "string") return [];
  return Object.entries(pipelines).flatMap(([pipeline, declared]) =>
    leafSteps(declared.steps).flatMap(([step]) => {
      if (!("job" in step)) return [];
      const found = findJob(step.job, catalog);
      const output = step.args.output;
      if (typeof found === "string" || found.name !== wanted.name || typeof output !== "string") return [];
      return [{ output, source: `pipeline ${pipeline} step ${step.name ?? step.job}` }];
    }),
  );
}

/** Jobs no pipeline runs whose output the stack fixes: `stream start` adds the financial_stream step with
 * `--output` = StreamingOutput.outputUri (modules/streaming). */
const FIXED_OUTPUTS: Readonly<Record<string, { readonly prefix: string; readonly source: string }>> = {
  financial_stream: { prefix: STREAM_JOB_OUTPUT, source: "the stream step (stream start: StreamingOutput.outputUri)" },
};

/** The `job` of a table over every dated job run (the `runs` table over `<output>/_runs/records/date=D/run.json`, a dated run's record). */
export const EVERY_DATED_JOB = "*";
/** The partition key that tells the dated outputs apart in the runs table (`job` is one of its columns). */
export const OUTPUT_KEY = "output";

/**
 * The runs table: one `output` key whose values are the last folder of every pipeline output a job writes with
 * `--date` (README "Output": such a run writes its record to `<output>/_runs/records/date=D/run.json`), all under one
 * parent, e.g. processed/{financial,fraud}/. An enum projection: Athena reads each listed output without a WHERE.
 */
function everyDatedRunLocation(table: TableDeclaration, pipelines: Readonly<Record<string, Pipeline>>): TableLocation {
  const outputs = Object.entries(pipelines).flatMap(([, declared]) =>
    leafSteps(declared.steps).flatMap(([step]) => {
      if (!("job" in step)) return [];
      const { output, date } = step.args;
      if (typeof output !== "string" || date === undefined || !output.startsWith(DATA_BUCKET_URI)) return [];
      const key = output.slice(DATA_BUCKET_URI.length).replace(/\/*$/, "/");
      return key.includes("{") ? [] : [key];
    }),
  );
  const parents = [...new Set(outputs.map((o) => o.slice(0, o.slice(0, -1).lastIndexOf("/") + 1)))];
  if (outputs.length === 0 || parents.length !== 1) {
    throw new Error(`table ${table.name}: the dated job outputs (${outputs.join(", ") || "none"}) do not share one parent folder; fix: dated outputs under one prefix, e.g. processed/<area>/`);
  }
  const values = [...new Set(outputs.map((o) => o.slice(parents[0].length, -1)))].sort();
  return {
    prefix: parents[0],
    template: `${parents[0]}\${${OUTPUT_KEY}}/${datasetPath(table)}`,
    keys: [
      { name: OUTPUT_KEY, type: "string", projection: { type: "enum", values: values.join(",") } },
      ...table.partitions.map((p) => ({ name: p.name, type: p.type, projection: projectionOf(p.name, p.type) })),
    ],
    source: `every dated job output of the pipelines (${values.join(", ")})`,
  };
}

/** The table's location in the data bucket; throws one line naming the table and the fix when it cannot be derived. */
export function tableLocation(table: TableDeclaration, pipelines: Readonly<Record<string, Pipeline>>, catalog: JobCatalog = loadJobCatalog()): TableLocation {
  if (table.job === EVERY_DATED_JOB) return everyDatedRunLocation(table, pipelines);
  const outputs = outputsOf(table.job, pipelines, catalog);
  const distinct = [...new Set(outputs.map((o) => o.output))];
  if (distinct.length > 1) {
    throw new Error(`table ${table.name}: job ${table.job} writes to ${distinct.join(" and ")} in different pipelines; one table has one location — fix: one output per job`);
  }
  let base: string;
  let source: string;
  const fixed = FIXED_OUTPUTS[table.job];
  if (fixed && outputs.length > 0) {
    throw new Error(`table ${table.name}: ${outputs[0].source} runs job ${table.job}, whose output the stack fixes at ${fixed.prefix}; fix: run it only as ${fixed.source}`);
  }
  if (fixed) {
    base = fixed.prefix;
    source = fixed.source;
  } else if (outputs.length === 0) {
    base = `processed/${table.job}/`;
    source = `no pipeline runs job ${table.job}: default location processed/${table.job}/`;
  } else {
    if (!outputs[0].output.startsWith(DATA_BUCKET_URI)) {
      throw new Error(`table ${table.name}: ${outputs[0].source} writes to ${outputs[0].output}, outside the data bucket; fix: an output under ${DATA_BUCKET_URI}`);
    }
    base = outputs[0].output.slice(DATA_BUCKET_URI.length);
    source = outputs[0].source;
  }
  if (!base.endsWith("/")) base += "/";

  const keys: ProjectedKey[] = [];
  const pathHasDate = base.includes("{date}");
  if (pathHasDate) {
    if (table.partitions.some((p) => p.name === "date")) {
      throw new Error(`table ${table.name}: ${source} has {date} in its output path and the table declares a date partition too; fix: rename one`);
    }
    keys.push({ name: "date", type: "string", projection: projectionOf("date", "string") });
  }
  for (const p of table.partitions) keys.push({ name: p.name, type: p.type, projection: projectionOf(p.name, p.type) });

  const template = `${base.replace("{date}", "${date}")}${datasetPath(table)}`;
  const firstKey = template.indexOf("${");
  const prefix = firstKey < 0 ? template : template.slice(0, template.lastIndexOf("/", firstKey) + 1);
  return { prefix, template, keys, source };
}

/**
 * The Glue table parameters of a projected table (Athena partition projection): `projection.enabled`, the
 * per-key settings and `storage.location.template` (`templateUri`: the s3:// URI of location.template).
 */
export function projectionParameters(location: TableLocation, templateUri: string): Record<string, string> {
  if (location.keys.length === 0) return {};
  const params: Record<string, string> = { "projection.enabled": "true", "storage.location.template": templateUri };
  for (const key of location.keys) {
    for (const [setting, value] of Object.entries(key.projection)) params[`projection.${key.name}.${setting}`] = value;
  }
  return params;
}

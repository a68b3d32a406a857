/**
 * Batch pipelines, declared once and typed: each step names a job from the one job catalogue
 * (spark-jobs/catalog.json) with checked arguments, so a typo in a job name or an option fails synth, not a 2 a.m.
 * run. Environments choose which pipelines they run (environments/<env>.ts `pipelines`), with the schedule on or
 * off and the transient cluster's capacity. `{date}` (the run's logical date) and the bucket names
 * (`{data_bucket}`, `{artifacts_bucket}`, `{logs_bucket}`) are the only placeholders.
 */
import { z } from "zod";
import { checkJobArguments, findJob } from "../modules/core/job-catalog";

export const PLACEHOLDERS = ["date", "data_bucket", "artifacts_bucket", "logs_bucket"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER = /\{([^{}]*)\}/g;
const STEP_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** Problems with `{…}` placeholders in one value: only the known ones exist. */
export function placeholderProblems(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER)]
    .filter((m) => !(PLACEHOLDERS as readonly string[]).includes(m[1]))
    .map((m) => `unknown placeholder {${m[1]}}; fix: one of ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`);
}

const argValue = z.union([z.string(), z.number(), z.boolean()]);

export const jobStepSchema = z
  .object({
    job: z.string().min(1).describe("A job name or alias from spark-jobs/catalog.json."),
    name: z.string().regex(STEP_NAME, "letters, digits, - and _, starting with a letter, at most 40; fix: e.g. quality_gate").optional(),
    args: z.record(z.string(), argValue).default({}).describe("Option name (without --) → value; true for a switch."),
    onFailure: z.enum(["stop", "continue"]).default("stop").describe("stop: terminate and notify; continue: go on to the next step."),
  })
  .strict();

export const copyStepSchema = z
  .object({
    name: z.string().regex(STEP_NAME, "letters, digits, - and _, starting with a letter, at most 40; fix: e.g. archive").optional(),
    copy: z
      .object({
        from: z.string().min(1).describe("Key prefix in the data bucket, e.g. processed/financial/{date}/"),
        to: z.string().min(1),
      })
      .strict(),
    onFailure: z.enum(["stop", "continue"]).default("stop"),
  })
  .strict();

const leafStep = z.union([jobStepSchema, copyStepSchema]);
export const parallelStepSchema = z
  .object({
    name: z.string().regex(STEP_NAME, "letters, digits, - and _, starting with a letter, at most 40; fix: e.g. process").optional(),
    parallel: z.array(leafStep).min(2, "a parallel group needs at least 2 steps; fix: add one or make it a plain step"),
  })
  .strict();

export const pipelineStepSchema = z.union([jobStepSchema, copyStepSchema, parallelStepSchema]);

export const pipelineSchema = z
  .object({
    description: z.string().default(""),
    runtime: z.enum(["transient", "cluster"]).describe("transient: a cluster per run; cluster: the environment's long-running cluster."),
    schedule: z
      .object({
        cron: z
          .string()
          .regex(/^(\S+\s+){5}\S+$/, "not an EventBridge Scheduler cron (6 fields: min hour day month weekday year); fix: e.g. \"0 2 * * ? *\""),
        timezone: z.string().regex(/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)*$/, "not an IANA time zone; fix: e.g. Europe/London or UTC").default("UTC"),
      })
      .strict()
      .optional(),
    trigger: z
      .object({
        prefix: z.string().regex(/^[A-Za-z0-9!_.*'()/-]+\/$/, "an S3 key prefix ending in /; fix: e.g. raw/ohlcv/"),
        marker: z.string().regex(/^[A-Za-z0-9!_.*'()-]+$/, "a file name without /; fix: e.g. _SUCCESS").default("_SUCCESS"),
      })
      .strict()
      .optional(),
    steps: z.array(pipelineStepSchema).min(1, "a pipeline needs at least one step; fix: add a { job: ... } step"),
    retries: z.number().int().min(0).max(5, "more than 5 retries hides a broken job; fix: 0–5").default(1),
    timeoutMinutes: z.number().int().min(5).max(7 * 24 * 60).default(240),
    idleTimeoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(10080)
      .default(30)
      .describe("Transient clusters terminate after this long idle: the backstop when an execution is stopped."),
  })
  .strict()
  .superRefine((pipeline, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const names = new Set<string>();
    type Leaf = z.output<typeof leafStep>;
    const leaves: [Leaf, (string | number)[]][] = (pipeline.steps ?? []).flatMap((step, i): [Leaf, (string | number)[]][] =>
      "parallel" in step ? step.parallel.map((s, j): [Leaf, (string | number)[]] => [s, ["steps", i, "parallel", j]]) : [[step, ["steps", i]]],
    );
    for (const [step, path] of leaves) {
      const name = step.name ?? ("job" in step ? step.job : "copy");
      if (names.has(name) && (step.name || "job" in step)) {
        issue([...path, "name"], `step name "${name}" is used twice; fix: give each step a distinct name`);
      }
      names.add(name);
      if ("copy" in step) {
        for (const key of ["from", "to"] as const) {
          for (const p of placeholderProblems(step.copy[key])) issue([...path, "copy", key], p);
        }
        continue;
      }
      const job = findJob(step.job);
      if (typeof job === "string") {
        issue([...path, "job"], job);
        continue;
      }
      const args = Object.fromEntries(Object.entries(step.args ?? {}).map(([k, v]) => [k, v === true ? "true" : String(v)]));
      for (const p of checkJobArguments(job, args)) issue([...path, "args"], p);
      for (const [k, v] of Object.entries(args)) for (const p of placeholderProblems(v)) issue([...path, "args", k], p);
    }
  });

export type PipelineInput = z.input<typeof pipelineSchema>;
export type Pipeline = z.output<typeof pipelineSchema>;
export type PipelineStep = Pipeline["steps"][number];
export type JobStep = z.output<typeof jobStepSchema>;
export type CopyStep = z.output<typeof copyStepSchema>;

/** Every pipeline of the platform. Keys are pipeline names (state machine <project>-<env>-<name>). */
export const PIPELINES = {
  financialDaily: {
    description: "Gate the day's OHLCV bars on quality, process them, archive the processed output",
    runtime: "transient",
    schedule: { cron: "0 2 * * ? *", timezone: "Europe/London" },
    trigger: { prefix: "raw/ohlcv/", marker: "_SUCCESS" },
    steps: [
      {
        name: "quality_gate",
        job: "data_quality",
        args: {
          input: "s3://{data_bucket}/raw/ohlcv/{date}/",
          rules: "s3://{artifacts_bucket}/jobs/rules/ohlcv.json",
          report: "s3://{data_bucket}/processed/quality/{date}/report.json",
        },
      },
      {
        name: "process",
        job: "financial_data_processor",
        args: { input: "s3://{data_bucket}/raw/ohlcv/{date}/", output: "s3://{data_bucket}/processed/financial/", date: "{date}" },
      },
      { name: "archive", copy: { from: "processed/financial/", to: "processed/archive/{date}/" }, onFailure: "continue" },
    ],
    retries: 1,
    timeoutMinutes: 240,
  },
  smokeNightly: {
    description: "Prove the environment's cluster runs Spark: two smoke tests side by side",
    runtime: "cluster",
    schedule: { cron: "30 6 * * ? *", timezone: "UTC" },
    steps: [
      {
        parallel: [
          { name: "smoke_small", job: "smoke_test", args: { output: "s3://{data_bucket}/processed/smoke/{date}/small/", rows: 1000 } },
          { name: "smoke_large", job: "smoke_test", args: { output: "s3://{data_bucket}/processed/smoke/{date}/large/" } },
        ],
      },
    ],
    retries: 0,
    timeoutMinutes: 60,
  },
  claimsDaily: {
    description: "When a day's claims land: keep the latest submission of each claim, then score it for fraud",
    runtime: "transient",
    trigger: { prefix: "raw/claims/", marker: "_SUCCESS" },
    steps: [
      {
        name: "dedup_claims",
        job: "dedup",
        args: {
          input: "s3://{data_bucket}/raw/claims/{date}/",
          "input-format": "csv",
          output: "s3://{data_bucket}/processed/claims/{date}/",
          keys: "claim_id",
          "order-by": "submitted_at",
          strategy: "latest_timestamp",
        },
      },
      {
        name: "detect_fraud",
        job: "fraud_detection",
        // dedup writes kept/ with every column as text; the reader parses parquet text like csv.
        args: { input: "s3://{data_bucket}/processed/claims/{date}/kept/", "input-format": "parquet", output: "s3://{data_bucket}/processed/fraud/", date: "{date}" },
      },
    ],
    retries: 1,
    timeoutMinutes: 180,
  },
  trackerDaily: {
    description: "Roll city counts up to states and compare them with the official figures; stop on too many differences",
    runtime: "cluster",
    schedule: { cron: "0 7 * * ? *", timezone: "UTC" },
    steps: [
      {
        name: "aggregate",
        job: "aggregate",
        args: { input: "s3://{data_bucket}/raw/tracker/city/{date}/", "input-format": "csv", output: "s3://{data_bucket}/processed/tracker/{date}/" },
      },
      {
        // A gate (exit 2 above --fail-above): the state machine stops cleanly and notifies.
        name: "compare_official",
        job: "compare",
        args: {
          ours: "s3://{data_bucket}/processed/tracker/{date}/state_daily/",
          theirs: "s3://{data_bucket}/raw/tracker/official/{date}/",
          "theirs-format": "csv",
          output: "s3://{data_bucket}/processed/tracker-diff/{date}/",
          "fail-above": 0.05,
        },
      },
    ],
    retries: 1,
    timeoutMinutes: 60,
  },
} satisfies Record<string, PipelineInput>;

export type PipelineName = keyof typeof PIPELINES;

/** What an environment says about one pipeline it runs. */
export const environmentPipelineSchema = z
  .object({
    schedule: z.boolean().default(true).describe("Run on the pipeline's schedule (false: only on demand or on data arrival)."),
    trigger: z.boolean().default(true).describe("Start on the pipeline's S3 arrival marker, when it declares one."),
    capacity: z
      .object({
        coreCount: z.number().int().min(1).max(500).optional().describe("Core instances (groups) or core fleet target units (fleets: on-demand kept up to this, the rest spot)."),
        taskCount: z.number().int().min(0).max(500).optional().describe("Task instances (groups) or task fleet target units (fleets)."),
        coreInstanceType: z.string().regex(/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/, "not an EC2 instance type; fix: e.g. r6i.xlarge").optional(),
      })
      .strict()
      .default({})
      .describe("The transient cluster's size; defaults to the environment's instance groups or fleets."),
  })
  .strict();
export const environmentPipelinesSchema = z.record(z.string(), environmentPipelineSchema).superRefine((record, ctx) => {
  for (const name of Object.keys(record)) {
    if (!(name in PIPELINES)) {
      ctx.addIssue({ code: "custom", path: [name], message: `no pipeline named "${name}"; fix: one of ${Object.keys(PIPELINES).join(", ")} (environments/pipelines.ts)` });
    }
  }
});
export type EnvironmentPipeline = z.output<typeof environmentPipelineSchema>;


/**
 * Batch pipelines, declared once and typed: each step names a job from the one job catalogue
 * (spark-jobs/catalog.json) with checked arguments, so a typo in a job name or an option fails synth, not a 2 a.m.
 * run. Environments choose which pipelines they run (environments/<env>.ts `pipelines`), with the schedule on or
 * off and the transient cluster's capacity. `{date}` (the run's logical date) and the bucket names
 * (`{data_bucket}`, `{artifacts_bucket}`, `{logs_bucket}`) are the only placeholders.
 */
import { z } from "zod";
import { checkJobArguments, findJob } from "../contracts/job-catalog";

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

/** Where a pipeline's steps run. An environment may move a pipeline to another (`pipelines.<name>.runtime`). */
export const PIPELINE_RUNTIMES = ["transient", "cluster", "serverless"] as const;
export type PipelineRuntime = (typeof PIPELINE_RUNTIMES)[number];

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
        from: z.string().min(1).describe("Key prefix in the data bucket (not an s3:// URI), e.g. processed/financial/"),
        to: z.string().min(1).describe("Key prefix in the data bucket, outside `from`, e.g. processed/archive/{date}/"),
        onlyDate: z
          .boolean()
          .default(false)
          .describe("Copy only the run's day: files under `from` whose path contains /date=<the run's date>/ (s3-dist-cp --srcPattern)."),
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
    runtime: z
      .enum(PIPELINE_RUNTIMES)
      .describe("transient: a cluster per run; cluster: the environment's long-running cluster; serverless: job runs on the environment's EMR Serverless application."),
    schedule: z
      .object({
        cron: z
          .string()
          .regex(/^(\S+\s+){5}\S+$/, "not an EventBridge Scheduler cron (6 fields: min hour day month weekday year); fix: e.g. \"0 2 * * ? *\"")
          .describe("EventBridge cron: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12/JAN-DEC, day-of-week 1-7/SUN-SAT, year 1970-2199; ? in exactly one of the day fields."),
        timezone: z.string().default("UTC").describe("IANA time zone the cron is read in (Intl.supportedValuesOf(\"timeZone\")), e.g. Europe/London."),
        logicalDateOffsetDays: z
          .number()
          .int()
          .min(0, "below 0 days; fix: 0–31 (1 = yesterday)")
          .max(31, "above 31 days; fix: 0–31 (1 = yesterday)")
          .default(1)
          .describe("A scheduled run processes the day this many days before the UTC date it was scheduled for (1: a 02:00 run processes yesterday)."),
        skipWhenExists: z
          .string()
          .optional()
          .describe(
            "With a trigger too: the schedule is the backstop for a late or lost marker. A scheduled run whose day already has this object (s3://{data_bucket}/…{date}…) ends ALREADY_DONE without a cluster.",
          ),
      })
      .strict()
      .optional()
      .describe("Without skipWhenExists, a pipeline with both schedule and trigger runs a day twice (a rerun replaces exactly that day)."),
    trigger: z
      .object({
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9!_.*'()/-]+\/$/, "an S3 key prefix ending in /; fix: e.g. raw/ohlcv/")
          .describe("The marker's key is <prefix><YYYY-MM-DD>/<marker>; the run's date is that segment."),
        marker: z.string().regex(/^[A-Za-z0-9!_.*'()-]+$/, "a file name without /; fix: e.g. _SUCCESS").default("_SUCCESS"),
      })
      .strict()
      .optional(),
    steps: z.array(pipelineStepSchema).min(1, "a pipeline needs at least one step; fix: add a { job: ... } step"),
    retries: z
      .number()
      .int()
      .min(0, "below 0; fix: 0–5")
      .max(5, "more than 5 retries hides a broken job; fix: 0–5")
      .default(1)
      .describe("Retries of a failed job or copy step (gates are never retried: a verdict does not change on a rerun)."),
    timeoutMinutes: z
      .number()
      .int()
      .min(5, "below 5 minutes; fix: 5–10080")
      .max(7 * 24 * 60, "above 10080 minutes (7 days); fix: 5–10080")
      .default(240)
      .describe("The execution's TimeoutSeconds, in minutes (5–10080)."),
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
    if (pipeline.schedule) {
      for (const p of cronProblems(pipeline.schedule.cron)) issue(["schedule", "cron"], p);
      const skip = pipeline.schedule.skipWhenExists;
      if (skip !== undefined && !DAY_OBJECT.test(skip)) {
        issue(["schedule", "skipWhenExists"], `"${skip}" is not a per-day object in a platform bucket; fix: e.g. "s3://{data_bucket}/processed/financial/_runs/date={date}/_metrics.json"`);
      }
      if (skip !== undefined && !pipeline.trigger) issue(["schedule", "skipWhenExists"], "only a pipeline with a trigger has runs for the schedule to back up; fix: remove skipWhenExists");
      if (!TIME_ZONES.has(pipeline.schedule.timezone)) issue(["schedule", "timezone"], "not an IANA time zone; fix: Europe/London");
    }
    // Every name is a state name ("Run <name>"), unique across the whole state machine (ASL: state names are unique
    // across the machine, branches included), so parallel group names join the set.
    const seen = new Map<string, (string | number)[]>();
    const claim = (name: string, path: (string | number)[], unnamedCopy: boolean) => {
      if (seen.has(name)) {
        issue([...path, "name"], `step name "${name}" is used twice; fix: ${unnamedCopy ? "name each copy step" : "give each step a distinct name"}`);
      }
      seen.set(name, path);
    };
    (pipeline.steps ?? []).forEach((step, i) => {
      if ("parallel" in step) {
        claim(groupName(step, i), ["steps", i], false);
        step.parallel.forEach((leaf, j) => {
          const path = ["steps", i, "parallel", j];
          claim(stepName(leaf), path, "copy" in leaf && !leaf.name);
          if (isGateStep(leaf)) issue(path, "a gate cannot run inside a parallel group (its stop must end the run); fix: make it a plain step before the group");
        });
      } else {
        claim(stepName(step), ["steps", i], "copy" in step && !step.name);
      }
    });
    for (const [step, path] of leafSteps(pipeline.steps ?? [])) {
      if ("copy" in step) {
        for (const p of copyProblems(step.copy)) issue([...path, "copy", p.key], p.message);
        continue;
      }
      const job = findJob(step.job);
      if (typeof job === "string") {
        issue([...path, "job"], job);
        continue;
      }
      const args = stepArgs(step);
      for (const p of checkJobArguments(job, args)) issue([...path, "args"], p);
      for (const [k, v] of Object.entries(args)) for (const p of placeholderProblems(v)) issue([...path, "args", k], p);
      if (job.exit2 !== null) {
        const verdict = args.verdict;
        if (verdict === undefined) {
          issue([...path, "args", "verdict"], `${job.name} is a gate: the state machine reads its verdict object; fix: verdict: "s3://{data_bucket}/<its output prefix>/{date}/verdict.json"`);
        } else if (!DAY_OBJECT.test(verdict)) {
          issue([...path, "args", "verdict"], `"${verdict}" is not a per-day object in a platform bucket; fix: e.g. "s3://{data_bucket}/processed/quality/{date}/verdict.json"`);
        }
      }
    }
    if (pipeline.trigger) {
      // The definition reads the date from the key segment right after the prefix, so the day's folder must be
      // <prefix>{date}/ and some step must read it.
      const folder = `s3://{data_bucket}/${pipeline.trigger.prefix}{date}/`;
      const reads = leafSteps(pipeline.steps ?? []).some(([step]) => "job" in step && Object.values(stepArgs(step)).some((v) => v.startsWith(folder)));
      if (!reads) {
        issue(["trigger", "prefix"], `no step reads ${folder}: the marker's key must be ${pipeline.trigger.prefix}<YYYY-MM-DD>/${pipeline.trigger.marker ?? "_SUCCESS"} (one date segment after the prefix, then the marker); fix: the prefix of the day folders the first step reads`);
      }
    }
  });

/** An arrival's run date is segment N of the marker key split on "/", N = the prefix's segment count. */
export function triggerDateSegment(prefix: string): number {
  return prefix.split("/").filter((p) => p !== "").length;
}

export type LeafStep = z.output<typeof leafStep>;

/** Every job or copy step, parallel groups opened, each with its path in the declaration (for messages). */
export function leafSteps(steps: readonly z.output<typeof pipelineStepSchema>[]): [LeafStep, (string | number)[]][] {
  return steps.flatMap((step, i): [LeafStep, (string | number)[]][] =>
    "parallel" in step ? step.parallel.map((s, j): [LeafStep, (string | number)[]] => [s, ["steps", i, "parallel", j]]) : [[step, ["steps", i]]],
  );
}

/** The one rule for a step's name (and so its state name "Run <name>"): its own name, else its job, else "copy". */
export function stepName(step: LeafStep): string {
  return step.name ?? ("job" in step ? step.job : "copy");
}

/** A parallel group's name: its own, else parallel_<position from 1>. */
export function groupName(step: { name?: string }, index: number): string {
  return step.name ?? `parallel_${index + 1}`;
}

/** A job step's arguments as the job receives them: strings, a switch as "true". */
export function stepArgs(step: { args?: Readonly<Record<string, string | number | boolean>> }): Record<string, string> {
  return Object.fromEntries(Object.entries(step.args ?? {}).map(([k, v]) => [k, v === true ? "true" : String(v)]));
}

/** A step whose job has an exit-2 meaning (a gate): its verdict steers the state machine. */
export function isGateStep(step: LeafStep | z.output<typeof parallelStepSchema>): boolean {
  if (!("job" in step)) return false;
  const job = findJob(step.job);
  return typeof job !== "string" && job.exit2 !== null;
}

/** s3://{a bucket placeholder}/<key with {date}>: one object per day. */
const DAY_OBJECT = /^s3:\/\/\{(data_bucket|artifacts_bucket|logs_bucket)\}\/[^{}]*\{date\}[^{}]*$/;

function copyProblems(copy: { from: string; to: string }): { key: "from" | "to"; message: string }[] {
  const out: { key: "from" | "to"; message: string }[] = [];
  for (const key of ["from", "to"] as const) {
    for (const p of placeholderProblems(copy[key])) out.push({ key, message: p });
    if (/^[a-z0-9]+:\/\//i.test(copy[key]) || copy[key].startsWith("/")) {
      const suggestion = copy[key].replace(/^[a-z0-9]+:\/\/[^/]*\/?/i, "").replace(/^\/+/, "") || "processed/financial/";
      out.push({ key, message: `copy.${key} is a key prefix in the data bucket, not a URI; fix: ${suggestion}` });
    }
  }
  if (copy.from === copy.to) out.push({ key: "to", message: `copy.to is copy.from ("${copy.from}"): the copy would overwrite its source; fix: a prefix outside it, e.g. processed/archive/{date}/` });
  else if (copy.to.startsWith(copy.from)) {
    out.push({ key: "to", message: `copy.to "${copy.to}" is inside copy.from "${copy.from}": each copy would be copied again; fix: a prefix outside it, e.g. processed/archive/{date}/` });
  }
  return out;
}

/** IANA zone names this runtime knows (ICU's list, which EventBridge Scheduler's ScheduleExpressionTimezone also uses). */
const TIME_ZONES = new Set<string>([...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC"]);

/**
 * EventBridge cron fields, values and wildcards (EventBridge cron reference,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html, which the Scheduler user guide's
 * cron section repeats): minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 or
 * SUN-SAT, year 1970-2199; "You can't use * in both the Day-of-month and Day-of-week fields. If you use it in one,
 * you must use ? in the other."
 */
const CRON_FIELDS = [
  { name: "minute", min: 0, max: 59, extra: "" },
  { name: "hour", min: 0, max: 23, extra: "" },
  { name: "day-of-month", min: 1, max: 31, extra: "?LW" },
  { name: "month", min: 1, max: 12, extra: "", names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day-of-week", min: 1, max: 7, extra: "?L#", names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
  { name: "year", min: 1970, max: 2199, extra: "" },
] as const;

export function cronProblems(cron: string): string[] {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 6) return [];
  const problems: string[] = [];
  fields.forEach((field, i) => {
    const spec = CRON_FIELDS[i];
    const names: readonly string[] = "names" in spec ? spec.names : [];
    const range = `${spec.min}–${spec.max}${names.length ? ` or ${names[0]}-${names[names.length - 1]}` : ""}`;
    const allowed = new RegExp(`^[0-9A-Z,*/\\-${spec.extra.replace(/[?#]/g, "\\$&")}]+$`);
    if (!allowed.test(field)) {
      problems.push(`${spec.name} "${field}" uses a character EventBridge does not allow there; fix: ${range}, with , - * /${spec.extra ? ` ${spec.extra.split("").join(" ")}` : ""}`);
      return;
    }
    for (const token of field.split(/[,/\-#]/)) {
      const bare = token.replace(/[LW]$/, "");
      if (token === "*" || token === "?" || token === "L" || token === "LW" || bare === "") continue;
      if (/^\d+$/.test(bare)) {
        const n = Number(bare);
        // After "/" (an increment) or "#" (the nth weekday) the number is a count, not a value of the field.
        const at = field.indexOf(token);
        const isCount = at > 0 && (field[at - 1] === "/" || field[at - 1] === "#");
        if (!isCount && (n < spec.min || n > spec.max)) problems.push(`${spec.name} ${n} is outside ${spec.min}–${spec.max}; fix: ${range}`);
      } else if (!names.includes(bare)) {
        problems.push(`${spec.name} "${token}" is not a value; fix: ${range}`);
      }
    }
  });
  const [dom, dow] = [fields[2], fields[4]];
  if (dom === "*" && dow === "*") problems.push(`uses * in both day-of-month and day-of-week; fix: "${[...fields.slice(0, 4), "?", fields[5]].join(" ")}"`);
  else if (dom !== "?" && dow !== "?") problems.push(`sets both day-of-month and day-of-week; fix: ? in one of them, e.g. "${[...fields.slice(0, 4), "?", fields[5]].join(" ")}"`);
  else if (dom === "?" && dow === "?") problems.push(`uses ? in both day-of-month and day-of-week; fix: "${[...fields.slice(0, 2), "*", fields[3], "?", fields[5]].join(" ")}"`);
  return problems;
}

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
    // The marker starts the day's run when the bars land; the 02:00 schedule is the backstop for yesterday, and ends
    // at once when the process step already wrote that day's metrics (no second cluster, no second archive).
    schedule: { cron: "0 2 * * ? *", timezone: "Europe/London", skipWhenExists: "s3://{data_bucket}/processed/financial/_runs/date={date}/_metrics.json" },
    trigger: { prefix: "raw/ohlcv/", marker: "_SUCCESS" },
    steps: [
      {
        name: "quality_gate",
        job: "data_quality",
        args: {
          input: "s3://{data_bucket}/raw/ohlcv/{date}/",
          rules: "s3://{artifacts_bucket}/jobs/rules/ohlcv.json",
          report: "s3://{data_bucket}/processed/quality/{date}/report.json",
          // The state machine reads this object and stops on "stop"; the job exits 0 either way.
          verdict: "s3://{data_bucket}/processed/quality/{date}/verdict.json",
        },
      },
      {
        name: "process",
        job: "financial_data_processor",
        // The day's bars, plus up to 7 earlier days' folders as look-back for the rolling indicators (sma_50 needs
        // earlier bars than one day holds), so day N's indicators equal one run over days 1..N.
        args: {
          input: "s3://{data_bucket}/raw/ohlcv/{date}/",
          history: "s3://{data_bucket}/raw/ohlcv/",
          "lookback-days": 7,
          output: "s3://{data_bucket}/processed/financial/",
          date: "{date}",
        },
      },
      // Only the run's day (every path with /date=<D>/), so the archive of day N holds day N, not every day so far.
      { name: "archive", copy: { from: "processed/financial/", to: "processed/archive/{date}/", onlyDate: true }, onFailure: "continue" },
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
        // A gate: above --fail-above it writes a "stop" verdict, and the state machine stops cleanly and notifies.
        name: "compare_official",
        job: "compare",
        args: {
          ours: "s3://{data_bucket}/processed/tracker/{date}/state_daily/",
          theirs: "s3://{data_bucket}/raw/tracker/official/{date}/",
          "theirs-format": "csv",
          output: "s3://{data_bucket}/processed/tracker-diff/{date}/",
          "fail-above": 0.05,
          verdict: "s3://{data_bucket}/processed/tracker-diff/{date}/verdict.json",
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
    runtime: z
      .enum(PIPELINE_RUNTIMES)
      .optional()
      .describe("Run this pipeline on another runtime than its declaration's (e.g. serverless where the environment enables EMR Serverless)."),
    capacity: z
      .object({
        coreCount: z.number().int().min(1, "a transient cluster needs at least 1 core node; fix: coreCount: 1").max(500, "above 500; fix: 1–500").optional().describe("Core instances (groups) or core fleet target units (fleets: on-demand kept up to this, the rest spot)."),
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


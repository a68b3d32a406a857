/**
 * `pipeline run <env> <name> --local`: one environment's synthesized state machine executed on this machine for one
 * or more consecutive logical dates, with local Spark and a directory standing in for the buckets.
 *
 * Per run: the stack's declared S3 objects (rules files, bootstrap scripts) are seeded into the local artifacts
 * bucket as deploy would upload them, and the code manifest is recorded as `pipeline run` records it; the execution
 * input carries the date and the checked-out code (spark-jobs/src and spark-jobs/entrypoints). Days run in order and
 * stop at the first one that does not succeed: a later day's look-back may need it.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CODE_MANIFEST_KEY } from "../../../contracts/step-functions";
import { LocalBuckets, summarizeWritten } from "./buckets";
import { CliError } from "../errors";
import type { Json } from "./errors";
import { type Definition, type ExecutionResult, Interpreter } from "./interpreter";
import { FreshProcessSpark, type LocalSpark, SharedSessionSpark } from "./spark";
import type { LocalStack, LocalStateMachine } from "./stack";
import { LocalTasks, type Notification, type StepRecord } from "./tasks";

export type RunStatus = "SUCCEEDED" | "GATE_STOPPED" | "ALREADY_RUNNING" | "FAILED";

/** Exit codes of a run (the same as `pipeline run --wait`): 0 succeeded, 2 a gate stopped it, 1 anything else. */
export const RUN_EXIT: Record<RunStatus, number> = { SUCCEEDED: 0, GATE_STOPPED: 2, ALREADY_RUNNING: 1, FAILED: 1 };

export interface DayResult {
  readonly date: string;
  readonly status: RunStatus;
  readonly exitCode: number;
  readonly execution: ExecutionResult;
  readonly steps: StepRecord[];
  readonly notifications: Notification[];
  /** State names in the order they were entered. */
  readonly entered: string[];
  readonly seconds: number;
}

export interface LocalRunOptions {
  readonly stack: LocalStack;
  readonly pipeline: string;
  readonly date: string;
  readonly days: number;
  readonly root: string;
  readonly repoRoot: string;
  /** The spark-jobs directory (default <repoRoot>/spark-jobs). */
  readonly jobsDir?: string;
  readonly python: string;
  /** A fresh `python <entrypoint>` per step instead of one shared Spark session. */
  readonly freshSpark?: boolean;
  /** A Spark to reuse across runs (tests); the run does not close it. */
  readonly spark?: LocalSpark;
  readonly line: (text: string) => void;
  readonly now?: () => Date;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function findStateMachine(stack: LocalStack, pipeline: string): LocalStateMachine {
  const machines = stack.stateMachines();
  const found = machines.find((m) => m.pipeline === pipeline || m.name === pipeline || m.name.endsWith(`-${pipeline}`));
  if (!found) {
    const names = machines.map((m) => m.pipeline);
    throw new CliError(`no pipeline named ${pipeline} in this environment's stack; fix: one of ${names.length ? names.join(", ") : "(none: the environment runs no pipelines)"}`);
  }
  return found;
}

/** The code an execution runs locally: the checked-out package and entry points, shaped like the code manifest. */
export function localCode(jobsDir: string): Record<string, Json> {
  const entrypoints = path.join(jobsDir, "entrypoints");
  return {
    prefix: `${jobsDir}/`,
    pyFiles: path.join(jobsDir, "src"),
    requirements: path.join(jobsDir, "requirements.txt"),
    entrypoints: Object.fromEntries(
      readdirSync(entrypoints)
        .filter((f) => f.endsWith(".py"))
        .sort()
        .map((f) => [f.slice(0, -3), path.join(entrypoints, f)]),
    ),
  };
}

/** Writes every object the stack declares into the local buckets; returns one line per object. */
export function seedDeclaredObjects(stack: LocalStack, buckets: LocalBuckets): string[] {
  return stack.objects().map((o) => {
    const uri = `s3://${o.bucket}/${o.key}`;
    if (o.skipped) return `${uri}: not seeded, ${o.skipped}`;
    const target = buckets.path(uri);
    mkdirSync(path.dirname(target), { recursive: true });
    if (o.content !== undefined) writeFileSync(target, o.content);
    else copyFileSync(o.source!, target);
    return `${uri}${o.source ? ` ← ${path.relative(stack.repoRoot, o.source)}` : " (inline content)"}`;
  });
}

function statusOf(execution: ExecutionResult, entered: string[]): { status: RunStatus; inferred: boolean } {
  if (execution.status !== "SUCCEEDED") return { status: "FAILED", inferred: false };
  const declared = (execution.output as Record<string, Json> | null)?.status;
  if (declared === "SUCCEEDED" || declared === "GATE_STOPPED" || declared === "ALREADY_RUNNING") return { status: declared, inferred: false };
  // A definition without a top-level status in its output: the terminal state's name is the only hint.
  return { status: entered[entered.length - 1] === "GateStopped" ? "GATE_STOPPED" : "SUCCEEDED", inferred: true };
}

const kb = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export async function runLocalPipeline(options: LocalRunOptions): Promise<DayResult[]> {
  const { stack, line } = options;
  const machine = findStateMachine(stack, options.pipeline);
  const definition = JSON.parse(machine.definition) as Definition;
  const unresolved = /\$\{[^}]*\}/.exec(machine.definition);
  if (unresolved) line(`  note: the definition still holds ${unresolved[0]} (no local stand-in)`);
  const buckets = new LocalBuckets(path.resolve(options.root));
  const jobsDir = options.jobsDir ?? path.join(options.repoRoot, "spark-jobs");
  const code = localCode(jobsDir);
  const work = path.join(buckets.root, "_local", "work");
  mkdirSync(work, { recursive: true });
  const sparks = new Map<string, LocalSpark>();
  const sparkFor = (pyFiles: string): LocalSpark => {
    if (options.spark) return options.spark;
    let spark = sparks.get(pyFiles);
    if (!spark) {
      const sparkOptions = { python: options.python, pythonPath: [pyFiles], cwd: work };
      spark = options.freshSpark ? new FreshProcessSpark(sparkOptions) : new SharedSessionSpark(sparkOptions);
      sparks.set(pyFiles, spark);
    }
    return spark;
  };

  line(`${machine.name}: ${definition.Comment ?? ""}`.trimEnd());
  line(`  local buckets under ${buckets.root}`);
  for (const seeded of seedDeclaredObjects(stack, buckets)) line(`  seeded ${seeded}`);
  const artifacts = stack.bucketFor("artifacts");
  if (artifacts) {
    // What `pipeline run` and `upload` record for scheduled runs; a local run passes its code in the input too.
    const manifest = buckets.path(`s3://${artifacts}/${CODE_MANIFEST_KEY}`);
    mkdirSync(path.dirname(manifest), { recursive: true });
    writeFileSync(manifest, `${JSON.stringify(code, null, 2)}\n`);
  }

  const results: DayResult[] = [];
  try {
    for (let day = 0; day < options.days; day++) {
      const date = addDays(options.date, day);
      const started = options.now?.() ?? new Date();
      const executionName = `local-${date}-${started.toISOString().replace(/[-:.]/g, "").slice(0, 15)}`;
      line("");
      line(`${date}: execution ${executionName}`);
      const tasks = new LocalTasks(buckets, sparkFor, {
        stepStarted: (state, command) => line(`  ${state}: ${command.join(" ")}`),
        stepEnded: (r) => {
          const wrote = r.written.files.length ? `wrote ${r.written.files.length} files, ${kb(r.written.bytes)}` : "wrote nothing";
          line(`    exit ${r.exitCode} in ${r.seconds.toFixed(1)} s; ${wrote}`);
          for (const summary of summarizeWritten(r.written).slice(0, 12)) line(`      ${summary}`);
          if (r.exitCode !== 0) for (const l of r.stderrTail.split("\n").slice(-8)) line(`    | ${l}`);
        },
        note: (text) => line(`  ${text}`),
      });
      const interpreter = new Interpreter(definition, tasks.handle, { executionName, stateMachineArn: machine.arn, startTime: started.toISOString() });
      const execution = await interpreter.run({ date, code });
      const entered = execution.events.filter((e) => e.type === "StateEntered").map((e) => e.state as string);
      const { status, inferred } = statusOf(execution, entered);
      const seconds = ((options.now?.() ?? new Date()).getTime() - started.getTime()) / 1000;
      const result: DayResult = { date, status, exitCode: RUN_EXIT[status], execution, steps: tasks.steps, notifications: tasks.notifications, entered, seconds };
      results.push(result);
      const failedAt = execution.status === "FAILED" ? ` (${execution.error}: ${(execution.cause ?? "").slice(0, 300)})` : "";
      line(`${date}: ${status}${inferred ? " (the output has no status; inferred from the last state)" : ""} in ${seconds.toFixed(1)} s, ${tasks.steps.length} steps; states: ${entered.join(" → ")}${failedAt}`);
      if (status !== "SUCCEEDED") {
        if (day + 1 < options.days) line(`stopped: ${options.days - day - 1} later day(s) not run`);
        break;
      }
    }
  } finally {
    for (const spark of sparks.values()) await spark.close();
  }
  return results;
}

export function defaultRoot(repoRoot: string, environment: string): string {
  return path.join(repoRoot, "spark-jobs", "output", "local-pipeline", environment);
}

export function defaultPython(repoRoot: string): string {
  const venv = path.join(repoRoot, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}

/**
 * Every pipeline of every environment, run by the local runner (`pipeline run --local`) on its synthesized
 * definition for three consecutive days of generated data (emr_jobs.pipeline_seed), with local Spark:
 * - every day succeeds, and each step reads only what the seed, the deployed objects or an earlier step wrote;
 * - the third day's financial indicators equal one run of the processor over the three days (look-back);
 * - each day's archive holds only that day, and each day's metrics live under that day;
 * - a gate stop is a stop (exit 2, GATE_STOPPED, the gate ran once) and a failure is a failure (exit 1);
 * - local's trackerDaily runs on EMR Serverless: its job runs get the cluster step's arguments and write what dev's
 *   cluster steps write.
 *
 * One real Spark worker serves the whole file, the gate and failure cases too: they go through the CLI itself (in
 * process) for its exit codes, handed the same worker (CliDeps.localSpark) instead of starting one each.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalBuckets } from "../../scripts/lib/local-pipeline/buckets";
import { addDays, type DayResult, defaultPython, localCode, runLocalPipeline } from "../../scripts/lib/local-pipeline/run";
import { SharedSessionSpark } from "../../scripts/lib/local-pipeline/spark";
import { parseSparkSubmit } from "../../scripts/lib/local-pipeline/tasks";
import { type LocalStack, synthesizeStack } from "../../scripts/lib/local-pipeline/stack";
import { runCaptured } from "../support/cli-harness";

jest.setTimeout(45 * 60_000);

const REPO = path.resolve(__dirname, "../..");
const PYTHON = defaultPython(REPO);
const PYTHONPATH = path.join(REPO, "spark-jobs", "src");
const START = "2026-01-05";
const DAYS = 3;
const DATES = [0, 1, 2].map((i) => addDays(START, i));

const EXPECTED: Record<string, string[]> = {
  dev: ["claimsDaily", "financialDaily", "smokeNightly", "trackerDaily"],
  staging: ["claimsDaily", "financialDaily", "smokeNightly", "trackerDaily"],
  prod: ["financialDaily"],
  local: ["financialDaily", "trackerDaily"],
};

/** Options whose value a job or copy reads (the rest are outputs or settings). */
const READ_OPTIONS = new Set(["--input", "--ours", "--theirs", "--rules", "--history", "--src"]);

const work = mkdtempSync(path.join(tmpdir(), "local-pipeline-"));
const spark = new SharedSessionSpark({ python: PYTHON, pythonPath: [PYTHONPATH], cwd: work });
const stacks = new Map<string, { stack: LocalStack; cleanup: () => void }>();
const results = new Map<string, DayResult[]>();
const logs = new Map<string, string[]>();
/** Per environment: what the seed and deploy (the stack's declared objects) put in the buckets. */
const seeded = new Map<string, Set<string>>();

function seed(dataRoot: string, start: string, days: number, extra: string[] = []): void {
  const seeded = spawnSync(PYTHON, ["-m", "emr_jobs.pipeline_seed", "--data-root", dataRoot, "--start", start, "--days", String(days), ...extra], {
    env: { ...process.env, PYTHONPATH },
    encoding: "utf8",
  });
  if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
}

function stackOf(env: string): LocalStack {
  if (!stacks.has(env)) stacks.set(env, synthesizeStack(env, REPO));
  return stacks.get(env)!.stack;
}

function rootOf(env: string): string {
  return path.join(work, env);
}

/** s3:// URIs of every file under a local root (the buckets). */
function files(root: string): Set<string> {
  const buckets = new LocalBuckets(root);
  return new Set([...buckets.list().keys()].map((f) => buckets.uri(f)));
}

/** The URIs a step reads: the values of its reading options. */
function reads(args: readonly string[]): string[] {
  const out: string[] = [];
  args.forEach((arg, i) => {
    const eq = /^(--[^=]+)=(.*)$/.exec(arg);
    if (eq && READ_OPTIONS.has(eq[1])) out.push(eq[2]);
    else if (READ_OPTIONS.has(arg) && args[i + 1]) out.push(args[i + 1]);
  });
  return out.filter((v) => v.startsWith("s3://"));
}

beforeAll(() => {
  for (const env of Object.keys(EXPECTED)) {
    const data = stackOf(env).bucketFor("data");
    if (!data) throw new Error(`${env}: no data bucket in the stack`);
    seed(path.join(rootOf(env), data), START, DAYS);
    const declared = stackOf(env).objects().map((o) => `s3://${o.bucket}/${o.key}`);
    seeded.set(env, new Set([...files(rootOf(env)), ...declared]));
  }
});

afterAll(async () => {
  await spark.close();
  for (const { cleanup } of stacks.values()) cleanup();
  if (!process.env.KEEP_LOCAL_PIPELINE) rmSync(work, { recursive: true, force: true });
});

const CASES = Object.entries(EXPECTED).flatMap(([env, pipelines]) => pipelines.map((pipeline) => [env, pipeline] as const));

describe.each(Object.entries(EXPECTED))("%s declares", (env, pipelines) => {
  test(`the pipelines ${pipelines.join(", ")}`, () => {
    expect(stackOf(env).stateMachines().map((m) => m.pipeline).sort()).toEqual(pipelines);
  });
});

describe.each(CASES)("%s %s, three days", (env, pipeline) => {
  const key = `${env}/${pipeline}`;
  beforeAll(async () => {
    const lines: string[] = [];
    logs.set(key, lines);
    results.set(key, await runLocalPipeline({ stack: stackOf(env), pipeline, date: START, days: DAYS, root: rootOf(env), repoRoot: REPO, python: PYTHON, spark, line: (l) => lines.push(l) }));
  });

  test("every day succeeds", () => {
    const days = results.get(key)!;
    const summary = days.map((d) => ({ date: d.date, status: d.status, exitCode: d.exitCode, ...(d.status === "FAILED" ? { error: d.execution.error, cause: d.execution.cause?.slice(0, 400) } : {}) }));
    expect(summary).toEqual(DATES.map((date) => ({ date, status: "SUCCEEDED", exitCode: 0 })));
  });

  test("each step reads what the seed, the deployed objects or an earlier step of the day wrote, and writes something", () => {
    const days = results.get(key)!;
    const steps = days.flatMap((d) => d.steps);
    expect(steps.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const day of days) {
      const written = new Set(seeded.get(env));
      for (const step of day.steps) {
        for (const uri of reads(step.args)) {
          const prefix = uri.endsWith("/") ? uri : uri.includes("*") ? uri.slice(0, uri.indexOf("*")) : uri;
          if (![...written].some((f) => f === uri || f.startsWith(prefix))) problems.push(`${day.date} ${step.state} reads ${uri}, which nothing wrote before it`);
        }
        if (step.exitCode === 0 && step.written.files.length === 0) problems.push(`${day.date} ${step.state} wrote nothing`);
        for (const f of step.written.files) written.add(f);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("financialDaily across days", () => {
  const env = "dev";
  const data = () => stackOf(env).bucketFor("data")!;

  test("the third day's indicators equal one run of the processor over the three days", async () => {
    const days = results.get(`${env}/financialDaily`);
    expect(days?.map((d) => d.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    const buckets = new LocalBuckets(rootOf(env));
    const single = path.join(work, "single-run");
    const code = localCode(path.join(REPO, "spark-jobs"));
    const outcome = await spark.run({
      entrypoint: (code.entrypoints as Record<string, string>).financial_data_processor,
      args: ["--input", `${buckets.path(`s3://${data()}/raw/ohlcv/`)}*/`, "--output", single, "--date", DATES[2], "--no-picture"],
    });
    expect({ exitCode: outcome.exitCode, stderr: outcome.stderr.slice(-400) }).toEqual({ exitCode: 0, stderr: expect.any(String) });
    const compare = spawnSync(
      PYTHON,
      [
        "-c",
        `import sys, pandas as pd
def load(root):
    frame = pd.read_parquet(root, filters=[("date", "=", sys.argv[3])])
    frame = frame.drop(columns=[c for c in ("date", "market") if c in frame.columns])
    return frame.sort_values(["symbol", "timestamp"]).reset_index(drop=True)
a, b = load(sys.argv[1]), load(sys.argv[2])
assert len(a) > 0, "no indicators for the day"
pd.testing.assert_frame_equal(a[sorted(a.columns)], b[sorted(b.columns)], check_dtype=False, check_categorical=False, rtol=1e-9)
print(len(a), "rows equal")`,
        buckets.path(`s3://${data()}/processed/financial/indicators/`),
        path.join(single, "indicators"),
        DATES[2],
      ],
      { encoding: "utf8" },
    );
    expect({ status: compare.status, stderr: compare.stderr.split("\n").slice(-6).join("\n") }).toEqual({ status: 0, stderr: "" });
  });

  test("each day's archive holds that day's partitions and nothing of another day", () => {
    const archive = new LocalBuckets(rootOf(env)).path(`s3://${data()}/processed/archive/`);
    const problems: string[] = [];
    for (const date of DATES) {
      const listed = [...new LocalBuckets(rootOf(env)).list(path.join(archive, date)).keys()].map((f) => path.relative(path.join(archive, date), f));
      if (!listed.some((f) => f.includes(`/date=${date}/`))) problems.push(`${date}: no partition date=${date} in the archive`);
      for (const f of listed) if (!f.includes(`date=${date}/`)) problems.push(`${date}: ${f}`);
    }
    expect(problems).toEqual([]);
  });

  test("each day's metrics and picture live under that day, none at the output root", () => {
    const output = new LocalBuckets(rootOf(env)).path(`s3://${data()}/processed/financial/`);
    const runs = DATES.map((date) => existsSync(path.join(output, "_runs", `date=${date}`, "_metrics.json")));
    expect({ perDate: runs, atRoot: readdirSync(output).filter((f) => f === "_metrics.json" || f.endsWith(".png")) }).toEqual({ perDate: [true, true, true], atRoot: [] });
  });
});

describe("trackerDaily on serverless (local) and on the cluster (dev)", () => {
  /** Each step of the three days: its state and the job's own arguments (after the entry point), buckets generalized. */
  const jobs = (env: string) => {
    const buckets = (["data", "artifacts", "logs"] as const).map((role) => [`s3://${stackOf(env).bucketFor(role)}/`, `s3://{${role}}/`] as const);
    const general = (arg: string) => buckets.reduce((a, [uri, placeholder]) => a.split(uri).join(placeholder), arg);
    return results.get(`${env}/trackerDaily`)!.flatMap((d) => d.steps.map((s) => [s.state, parseSparkSubmit(s.args).args.map(general)]));
  };

  test("local's definition runs EMR Serverless job runs, dev's runs EMR steps", () => {
    const definition = (env: string) => stackOf(env).stateMachines().find((m) => m.pipeline === "trackerDaily")!.definition;
    expect(definition("local")).toContain("arn:aws:states:::emr-serverless:startJobRun.sync");
    expect(definition("local")).not.toContain("elasticmapreduce");
    expect(definition("dev")).toContain("arn:aws:states:::elasticmapreduce:addStep.sync");
  });

  test("every job run gets the arguments the cluster step gets, day by day", () => {
    const local = jobs("local");
    expect(local).toHaveLength(2 * DAYS);
    expect(local).toEqual(jobs("dev"));
  });

  test("the job runs write into the same folders as the cluster steps", () => {
    const written = (env: string) => {
      const data = `s3://${stackOf(env).bucketFor("data")}/`;
      const folders = results
        .get(`${env}/trackerDaily`)!
        .flatMap((d) => d.steps.flatMap((s) => s.written.files))
        .filter((f) => f.startsWith(data))
        // Folders, not files: Spark names its part files with a random id per run.
        .map((f) => path.posix.dirname(f.slice(data.length)));
      return [...new Set(folders)].sort();
    };
    expect(written("local").length).toBeGreaterThan(0);
    expect(written("local")).toEqual(written("dev"));
  });
});

describe("a gate stop is a stop, a failure is a failure (through the CLI)", () => {
  test("financialDaily: bad bars stop the run at the quality gate: exit 2, GATE_STOPPED, the gate ran once, nothing processed", async () => {
    const root = path.join(work, "gate-financial");
    const date = "2026-02-02";
    seed(path.join(root, stackOf("dev").bucketFor("data")!), date, 1, ["--only", "ohlcv", "--ohlcv-bad-fraction", "0.3"]);
    const run = await runCaptured(["pipeline", "run", "dev", "financialDaily", "--local", "--date", date, "--root", root], REPO, { localSpark: spark });
    expect({ code: run.code, last: run.stdout.trim().split("\n").pop() }).toEqual({ code: 2, last: `financialDaily (dev, local): ${date} GATE_STOPPED` });
    expect(run.stdout.match(/^ {2}Run quality_gate: /gm)).toHaveLength(1);
    expect(run.stdout).not.toMatch(/^ {2}Run process: /m);
    expect(run.stdout).toMatch(/SNS "emr-platform-dev-financial-daily: [^"]*stop/);
    expect(run.stdout).not.toMatch(/SNS "[^"]*failed/);
  });

  test("trackerDaily: official figures far from ours stop the run at compare: exit 2, GATE_STOPPED, compare ran once", async () => {
    const root = path.join(work, "gate-tracker");
    const date = "2026-02-02";
    seed(path.join(root, stackOf("dev").bucketFor("data")!), date, 1, ["--only", "tracker", "--tracker-differences", "0.6"]);
    const run = await runCaptured(["pipeline", "run", "dev", "trackerDaily", "--local", "--date", date, "--root", root], REPO, { localSpark: spark });
    expect({ code: run.code, last: run.stdout.trim().split("\n").pop() }).toEqual({ code: 2, last: `trackerDaily (dev, local): ${date} GATE_STOPPED` });
    expect(run.stdout.match(/^ {2}Run compare_official: /gm)).toHaveLength(1);
    expect(run.stdout).toMatch(/SNS "emr-platform-dev-tracker-daily: [^"]*stop/);
  });

  test("claimsDaily on a day without claims fails: exit 1, FAILED, dedup retried once, the failure notified", async () => {
    const root = path.join(work, "failure");
    const run = await runCaptured(["pipeline", "run", "dev", "claimsDaily", "--local", "--date", "2026-03-01", "--root", root], REPO, { localSpark: spark });
    expect({ code: run.code, last: run.stdout.trim().split("\n").pop() }).toEqual({ code: 1, last: "claimsDaily (dev, local): 2026-03-01 FAILED" });
    expect(run.stdout.match(/^ {2}Run dedup_claims: /gm)).toHaveLength(2); // 1 attempt + retries: 1
    expect(run.stdout).toMatch(/dedup: ERROR: --input \S*raw\/claims\/2026-03-01\/ not found/);
    expect(run.stdout).toContain('SNS "emr-platform-dev-claims-daily: pipeline failed"');
    expect(run.stdout).not.toMatch(/^ {2}Run detect_fraud: /m);
  });
});

/**
 * The local runner's stand-ins for AWS, without Spark: s3-dist-cp's --srcPattern, S3 reads and their error names,
 * a failing step's Cause, spark-submit parsing, and the stack reader (references, escapes, declared objects).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalBuckets } from "../../scripts/lib/local-pipeline/buckets";
import { type Json, StatesError } from "../../scripts/lib/local-pipeline/errors";
import type { TaskCall } from "../../scripts/lib/local-pipeline/interpreter";
import { s3DistCp } from "../../scripts/lib/local-pipeline/s3-dist-cp";
import { FreshProcessSpark } from "../../scripts/lib/local-pipeline/spark";
import { LocalStack } from "../../scripts/lib/local-pipeline/stack";
import { LocalTasks, parseSparkSubmit } from "../../scripts/lib/local-pipeline/tasks";
import { findStateMachine } from "../../scripts/lib/local-pipeline/run";
import { runCaptured } from "../support/cli-harness";

function root(): LocalBuckets {
  return new LocalBuckets(mkdtempSync(path.join(tmpdir(), "local-tasks-")));
}

function put(buckets: LocalBuckets, uri: string, content = "x"): void {
  const file = buckets.path(uri);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

const call = (resource: string, parameters: Json, state = "T"): TaskCall => ({
  state,
  resource: `arn:aws:states:::${resource}`,
  parameters,
  attempt: 1,
  context: { Execution: { Id: "arn:exec", Name: "run", StartTime: "2026-01-01T00:00:00Z" }, StateMachine: { Id: "arn:sm" } },
});

async function raised(promise: Promise<unknown>): Promise<StatesError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof StatesError) return err;
    throw err;
  }
  throw new Error("expected a StatesError");
}

describe("s3-dist-cp", () => {
  test("--srcPattern copies only the files whose full path matches, keeping their path under --src", () => {
    const b = root();
    for (const day of ["2026-01-05", "2026-01-06"]) put(b, `s3://data/processed/financial/indicators/market=X/date=${day}/part-0.parquet`, day);
    put(b, "s3://data/processed/financial/_metrics.json");
    const result = s3DistCp(["--src=s3://data/processed/financial/", "--dest=s3://data/processed/archive/2026-01-06/", "--srcPattern=.*/date=2026-01-06/.*"], b);
    expect(result).toMatchObject({ exitCode: 0, copied: 1 });
    expect([...b.list(b.path("s3://data/processed/archive/")).keys()].map((f) => b.uri(f))).toEqual([
      "s3://data/processed/archive/2026-01-06/indicators/market=X/date=2026-01-06/part-0.parquet",
    ]);
  });

  test("without --srcPattern everything under --src is copied; a missing source or an unknown option fails", () => {
    const b = root();
    put(b, "s3://data/a/1");
    put(b, "s3://data/a/sub/2");
    expect(s3DistCp(["--src", "s3://data/a", "--dest", "s3://data/b/"], b)).toMatchObject({ exitCode: 0, copied: 2 });
    expect(s3DistCp(["--src=s3://data/missing/", "--dest=s3://data/b/"], b)).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/does not exist/) });
    expect(s3DistCp(["--src=s3://data/a/", "--dest=s3://data/b/", "--groupBy=.*"], b).stderr).toMatch(/--groupBy is not supported/);
  });
});

describe("tasks", () => {
  const noSpark = () => {
    throw new Error("no Spark in this test");
  };

  test("getObject reads the local file; a missing key is S3.NoSuchKeyException (catchable as States.TaskFailed)", async () => {
    const b = root();
    put(b, "s3://data/processed/quality/2026-01-05/verdict.json", '{"verdict":"stop"}');
    const tasks = new LocalTasks(b, noSpark);
    expect(await tasks.handle(call("aws-sdk:s3:getObject", { Bucket: "data", Key: "processed/quality/2026-01-05/verdict.json" }))).toMatchObject({ Body: '{"verdict":"stop"}', ContentLength: 18 });
    const head = (await tasks.handle(call("aws-sdk:s3:headObject", { Bucket: "data", Key: "processed/quality/2026-01-05/verdict.json" }))) as Record<string, Json>;
    expect([head.ContentLength, "Body" in head]).toEqual([18, false]);
    expect((await raised(tasks.handle(call("aws-sdk:s3:headObject", { Bucket: "data", Key: "jobs/rules/ohlcv.json" })))).error).toBe("S3.NoSuchKeyException");
    expect((await raised(tasks.handle(call("aws-sdk:s3:getObject", { Bucket: "nobucket", Key: "k" })))).error).toBe("S3.NoSuchBucketException");
  });

  test("listExecutions sees only this execution; an unknown resource fails naming the state and the resource", async () => {
    const tasks = new LocalTasks(root(), noSpark);
    expect(await tasks.handle(call("aws-sdk:sfn:listExecutions", { StateMachineArn: "arn:sm", StatusFilter: "RUNNING" }))).toEqual({
      Executions: [{ ExecutionArn: "arn:exec", Name: "run", StateMachineArn: "arn:sm", Status: "RUNNING", StartDate: "2026-01-01T00:00:00Z" }],
    });
    const err = await raised(tasks.handle(call("aws-sdk:glue:startJobRun", {}, "Run glue")));
    expect([err.error, err.cause]).toEqual(["States.Runtime", 'state "Run glue": the local runner has no action for the resource arn:aws:states:::aws-sdk:glue:startJobRun']);
  });

  test("a failing spark-submit step is States.TaskFailed whose Cause carries the exit code and the stderr tail; s3:// args are local paths", async () => {
    const b = root();
    const entrypoint = path.join(b.root, "job.py");
    writeFileSync(entrypoint, "import sys\nprint('args', sys.argv[1:])\nprint('job: ERROR: input not found', file=sys.stderr)\nsys.exit(3)\n");
    const tasks = new LocalTasks(b, () => new FreshProcessSpark({ python: "python3", pythonPath: [], cwd: b.root }));
    const err = await raised(
      tasks.handle(call("elasticmapreduce:addStep.sync", { ClusterId: "j-1", Step: { Name: "p/step", ActionOnFailure: "CONTINUE", HadoopJarStep: { Jar: "command-runner.jar", Args: ["spark-submit", "--deploy-mode", "cluster", "--py-files", "/src", entrypoint, "--input", "s3://data/raw/"] } } })),
    );
    expect(err.error).toBe("States.TaskFailed");
    const cause = JSON.parse(err.cause);
    expect(cause.LocalExitCode).toBe(3);
    expect(cause.Step.Status).toEqual({ State: "FAILED", FailureDetails: { Reason: "Step failed on the local runner", Message: "job: ERROR: input not found" } });
    expect(tasks.steps[0].command).toEqual(["spark-submit", "--deploy-mode", "cluster", "--py-files", "/src", entrypoint, "--input", `${b.root}/data/raw/`]);
  });

  test("an EMR Serverless job run runs the same spark-submit as the cluster step: parameters, entry point, then its arguments", async () => {
    const b = root();
    const entrypoint = path.join(b.root, "job.py");
    writeFileSync(entrypoint, "import sys\nprint(sys.argv[1:])\n");
    const tasks = new LocalTasks(b, () => new FreshProcessSpark({ python: "python3", pythonPath: [], cwd: b.root }));
    const out = await tasks.handle(
      call("emr-serverless:startJobRun.sync", {
        ApplicationId: "app-1",
        ExecutionRoleArn: "arn:aws:iam::123456789012:role/job",
        Name: "p/aggregate",
        ClientToken: "t",
        JobDriver: { SparkSubmit: { EntryPoint: entrypoint, EntryPointArguments: ["--input", "s3://data/raw/"], SparkSubmitParameters: "--py-files /src" } },
      }),
    );
    expect(out).toMatchObject({ ApplicationId: "app-1", Name: "p/aggregate", State: "SUCCESS" });
    expect(tasks.steps).toHaveLength(1);
    expect(tasks.steps[0].args).toEqual(["spark-submit", "--py-files", "/src", entrypoint, "--input", "s3://data/raw/"]);
    expect(tasks.steps[0].command).toEqual(["spark-submit", "--py-files", "/src", entrypoint, "--input", `${b.root}/data/raw/`]);
  });

  test("a failing EMR Serverless job run is States.TaskFailed with the run's FAILED state and the stderr tail", async () => {
    const b = root();
    const entrypoint = path.join(b.root, "job.py");
    writeFileSync(entrypoint, "import sys\nprint('job: ERROR: no pandas', file=sys.stderr)\nsys.exit(1)\n");
    const tasks = new LocalTasks(b, () => new FreshProcessSpark({ python: "python3", pythonPath: [], cwd: b.root }));
    const err = await raised(tasks.handle(call("emr-serverless:startJobRun.sync", { ApplicationId: "app-1", Name: "p/x", JobDriver: { SparkSubmit: { EntryPoint: entrypoint } } })));
    expect(err.error).toBe("States.TaskFailed");
    expect(JSON.parse(err.cause)).toMatchObject({ ApplicationId: "app-1", State: "FAILED", StateDetails: "job: ERROR: no pandas", LocalExitCode: 1 });
  });

  test("an EMR Serverless job run without a SparkSubmit entry point fails the run with one line", async () => {
    const tasks = new LocalTasks(root(), noSpark);
    const err = await raised(tasks.handle(call("emr-serverless:startJobRun.sync", { ApplicationId: "app-1", JobDriver: { Hive: { Query: "x" } } }, "Run q")));
    expect([err.error, err.cause]).toEqual(["States.Runtime", 'state "Run q": the local runner runs SparkSubmit job drivers with an EntryPoint only']);
  });

  test("spark-submit: options with values, flags, then the application and its args", () => {
    expect(parseSparkSubmit(["spark-submit", "--deploy-mode", "client", "--verbose", "--conf", "a=b", "app.py", "--x", "1"])).toEqual({
      options: { "--deploy-mode": ["client"], "--verbose": ["true"], "--conf": ["a=b"] },
      entrypoint: "app.py",
      args: ["--x", "1"],
    });
  });
});

describe("the stack reader", () => {
  const json = {
    provider: { aws: [{ region: "eu-west-1" }] },
    resource: {
      aws_s3_bucket: { storage_data_bucket_1: { bucket_prefix: "emr-platform-dev-data-" }, storage_artifacts_bucket_2: { bucket: "named-artifacts" } },
      aws_s3_object: {
        rules: { bucket: "${aws_s3_bucket.storage_artifacts_bucket_2.bucket}", key: "jobs/rules/ohlcv.json", source: "rules.json" },
        script: { bucket: "${aws_s3_bucket.storage_artifacts_bucket_2.bucket}", key: "bootstrap/x.sh", content: 'echo "$${HOME}"' },
        computed: { bucket: "${aws_s3_bucket.storage_artifacts_bucket_2.bucket}", key: "certs.zip", source: "${data.archive_file.zip.output_path}" },
      },
      aws_sfn_state_machine: {
        sm: { name: "emr-platform-dev-financial-daily", definition: '{"B":"s3://${aws_s3_bucket.storage_data_bucket_1.bucket}/x","T":"${aws_sns_topic.t.arn}","E":"$${emr.clusterId}"}' },
      },
    },
  };

  test("references resolve to local stand-ins, Terraform's $${ escapes render as ${, state machines are found by pipeline name", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stack-"));
    const stack = new LocalStack(json as never, dir, dir, "dev");
    const [machine] = stack.stateMachines();
    expect(machine.pipeline).toBe("financialDaily");
    expect(JSON.parse(machine.definition)).toEqual({ B: "s3://emr-platform-dev-data/x", T: "arn:aws:sns:eu-west-1:000000000000:t", E: "${emr.clusterId}" });
    expect(findStateMachine(stack, "financialDaily").name).toBe("emr-platform-dev-financial-daily");
    expect(() => findStateMachine(stack, "claimsDaily")).toThrow(/no pipeline named claimsDaily.*one of financialDaily/);
  });

  test("declared objects: inline content, a source relative to the stack directory, and a computed source skipped with its reason", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "stack-"));
    writeFileSync(path.join(dir, "rules.json"), "{}");
    const objects = new LocalStack(json as never, dir, dir, "dev").objects();
    expect(objects).toEqual([
      { bucket: "named-artifacts", key: "jobs/rules/ohlcv.json", source: path.join(dir, "rules.json") },
      { bucket: "named-artifacts", key: "bootstrap/x.sh", content: 'echo "${HOME}"' },
      { bucket: "named-artifacts", key: "certs.zip", skipped: "its source is computed at apply time (${data.archive_file.zip.output_path})" },
    ]);
    expect(readFileSync(objects[0].source!, "utf8")).toBe("{}");
  });
});

describe("pipeline run flags", () => {
  test("--days, --root, --stack-json and --fresh-spark need --local; --local refuses --wait", async () => {
    const repo = path.resolve(__dirname, "../..");
    const days = await runCaptured(["pipeline", "run", "dev", "financialDaily", "--days", "3"], repo);
    expect([days.code, days.stderr.trim()]).toEqual([1, "error: --days applies only to a local run; fix: add --local"]);
    const wait = await runCaptured(["pipeline", "run", "dev", "financialDaily", "--local", "--wait"], repo);
    expect([wait.code, wait.stderr.trim()]).toEqual([1, "error: --local runs on this machine and always waits; fix: drop --wait"]);
  });

  test("a pipeline the environment does not run is refused naming the ones it does", async () => {
    const repo = path.resolve(__dirname, "../..");
    const run = await runCaptured(["pipeline", "run", "prod", "claimsDaily", "--local", "--root", mkdtempSync(path.join(tmpdir(), "root-"))], repo);
    expect([run.code, run.stderr.trim()]).toEqual([1, "error: no pipeline named claimsDaily in this environment's stack; fix: one of financialDaily"]);
  });
});

/**
 * Every synthesized definition validates with asl-validator; the builder's shapes (gate Choice, parallel groups,
 * onFailure continue, cluster runtime) and the declaration schema's messages.
 */
import { Testing } from "cdktf";
import aslValidator from "asl-validator";
import jsonata from "jsonata";
import { ConfigError, loadEnvironment, parsePipeline, PIPELINES, ENVIRONMENT_NAMES, loadPipelines, parseEnvironment, environmentInput } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { RESOURCES } from "../../contracts/step-functions";
import { buildDefinition, STATE, type PipelineContext } from "../../modules/pipeline/asl-builder";
import { cronProblems, stepArgs, stepName } from "../../environments/pipelines";

const CONTEXT: PipelineContext = {
  pipelineName: "p",
  stateMachineName: "emr-platform-dev-p",
  topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
  buckets: { data_bucket: "data", artifacts_bucket: "artifacts", logs_bucket: "logs" },
  runJobFlow: { Name: "emr-platform-dev-p", ReleaseLabel: "emr-7.12.0" },
};

/** The message of parsing one variant of a declared pipeline. */
function problems(name: keyof typeof PIPELINES, change: (p: any) => void): string {
  const input = structuredClone(PIPELINES[name]) as any;
  change(input);
  try {
    parsePipeline(name, input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return "";
}

describe("synthesized definitions", () => {
  const definitions: [string, unknown][] = [];
  beforeAll(() => {
    for (const env of ENVIRONMENT_NAMES) {
      const json = JSON.parse(Testing.synth(new EmrPlatformStack(Testing.app(), `emr-${env}`, loadEnvironment(env)))) as any;
      for (const [id, sm] of Object.entries<any>(json.resource.aws_sfn_state_machine ?? {})) definitions.push([`${env}/${id}`, JSON.parse(sm.definition)]);
    }
  });

  test("every environment that enables a pipeline synthesizes one state machine per pipeline", () => {
    const expected = ENVIRONMENT_NAMES.reduce((n, env) => n + Object.keys(loadEnvironment(env).pipelines).length, 0);
    expect(expected).toBeGreaterThan(0);
    expect(definitions).toHaveLength(expected);
  });

  test("asl-validator accepts every synthesized definition", () => {
    const results = definitions.map(([name, d]) => {
      const { isValid, errors } = aslValidator(d as any, { checkPaths: true, checkArn: true });
      return { name, isValid, errors: errors.map((e: any) => e.message) };
    });
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((r) => !r.isValid)).toEqual([]);
  });

  test("asl-validator rejects a broken definition (the check can fail)", () => {
    const [, d] = definitions[0];
    const broken = structuredClone(d) as any;
    broken.States.CheckConcurrency.Next = "NoSuchState";
    expect(aslValidator(broken).isValid).toBe(false);
  });
});

describe("buildDefinition", () => {
  const pipeline = parsePipeline("financialDaily", PIPELINES.financialDaily);

  test("a gate runs once in cluster mode, then its verdict object is read and a Choice stops on \"stop\"", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    const gate = d.States["Run quality_gate"] as any;
    expect(gate.Parameters.Step.HadoopJarStep["Args.$"]).toContain("'--deploy-mode', 'cluster'");
    expect(gate.Parameters.Step.HadoopJarStep["Args.$"]).toContain("'--verdict', States.Format('s3://data/processed/quality/{}/verdict.json', $.run.date)");
    expect(gate.Retry).toEqual([{ ErrorEquals: ["States.ALL"], MaxAttempts: 0 }]);
    expect(gate.Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "TerminateAfterFailure" }]);
    expect(gate.Next).toBe("Read quality_gate verdict");
    expect(d.States["Read quality_gate verdict"]).toMatchObject({
      Resource: RESOURCES.getObject,
      Parameters: { Bucket: "data", "Key.$": "States.Format('processed/quality/{}/verdict.json', $.run.date)" },
      ResultSelector: { "verdict.$": "States.StringToJson($.Body)" },
      ResultPath: "$.gate",
    });
    const choice = d.States["Gate quality_gate passed?"] as any;
    expect(choice.Choices.map((c: any) => [c.And[1].StringEquals, c.Next])).toEqual([
      ["stop", "TerminateAfterGate"],
      ["pass", "Run process"],
    ]);
    expect(choice.Default).toBe("TerminateAfterFailure");
    expect(JSON.stringify(d)).not.toMatch(/exit code|exitCode|\$\.error\.Cause/);
  });

  test("the definition is the fragments in reading order; no placeholder state names survive", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    expect(Object.keys(d.States)).toEqual([
      "CheckConcurrency",
      "Another run active?",
      "OldestRunning",
      "Started first?",
      "AlreadyRunning",
      "Code given?",
      "LoadCodeManifest",
      "CodeManifestMissing",
      "UseManifestCode",
      "Date source?",
      "DateFromKey",
      "DateFromInput",
      "DateFromSchedule",
      "Date valid?",
      "InvalidDate",
      "Scheduled run?",
      "DayDone",
      "AlreadyDone",
      "CheckObject1",
      "ObjectMissing1",
      "CreateCluster",
      "Run quality_gate",
      "Read quality_gate verdict",
      "Gate quality_gate passed?",
      "Run process",
      "Run archive",
      "TerminateCluster",
      "TerminateAfterFailure",
      "TerminateAfterGate",
      "NotifyFailure",
      "NotifyGateStopped",
      "GateStopped",
      "Succeeded",
      "PipelineFailed",
    ]);
    const targets = JSON.stringify(d).match(/"(Next|Default|StartAt)":"[^"]+"/g) ?? [];
    expect(targets.length).toBeGreaterThan(20);
    for (const t of targets) expect(Object.keys(d.States)).toContain(t.split(":")[1].slice(1, -1));
  });

  test("without a gate there are no gate states (nothing created and deleted)", () => {
    const claims = buildDefinition(parsePipeline("claimsDaily", PIPELINES.claimsDaily), CONTEXT);
    expect(Object.keys(claims.States).filter((n) => /Gate|Verdict|verdict/.test(n))).toEqual([]);
    expect(Object.keys(claims.States)).not.toContain("CheckObject1");
  });

  test("every successful end leaves a status: SUCCEEDED, GATE_STOPPED with the verdict, ALREADY_RUNNING", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    expect(d.States.Succeeded).toEqual({ Type: "Pass", Result: "SUCCEEDED", ResultPath: "$.status", End: true });
    expect((d.States.GateStopped as any).Parameters).toEqual({ status: "GATE_STOPPED", "verdict.$": "$.gate.verdict", "run.$": "$.run" });
    expect((d.States.AlreadyRunning as any).Parameters.status).toBe("ALREADY_RUNNING");
  });

  test("an arrival's date is the key segment after the trigger prefix (N from the prefix at synth)", () => {
    const claims = buildDefinition(parsePipeline("claimsDaily", PIPELINES.claimsDaily), CONTEXT);
    expect((claims.States.DateFromKey as any).Parameters["date.$"]).toBe("States.ArrayGetItem(States.StringSplit($.key, '/'), 2)");
    const deeper = parsePipeline("deep", {
      ...PIPELINES.claimsDaily,
      trigger: { prefix: "landing/raw/claims/" },
      steps: [{ job: "dedup", args: { ...PIPELINES.claimsDaily.steps[0].args, input: "s3://{data_bucket}/landing/raw/claims/{date}/" } }],
    });
    expect((buildDefinition(deeper, CONTEXT).States.DateFromKey as any).Parameters["date.$"]).toBe("States.ArrayGetItem(States.StringSplit($.key, '/'), 3)");
    // No trigger, no key branch.
    const smoke = buildDefinition(parsePipeline("smokeNightly", PIPELINES.smokeNightly), { ...CONTEXT, runJobFlow: undefined, clusterId: "j-ENV" });
    expect(smoke.States.DateFromKey).toBeUndefined();
  });

  describe("the JSONata date states, evaluated with the JavaScript JSONata (moto cannot run them)", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    const expression = (value: unknown) => String(value).replace(/^\{%|%\}$/g, "");
    const scheduled = async (input: object, startTime: string, p = d) =>
      ((await jsonata(expression((p.States.DateFromSchedule as any).Output)).evaluate({}, { states: { input, context: { Execution: { StartTime: startTime } } } })) as any).run;
    const valid = async (input: object) => Boolean(await jsonata(expression((d.States["Date valid?"] as any).Choices[0].Condition)).evaluate({}, { states: { input } }));

    test("a scheduled run's date is the start day minus logicalDateOffsetDays, across month and year ends, in UTC", async () => {
      expect(await scheduled({}, "2026-03-01T01:00:00.000Z")).toEqual({ date: "2026-02-28", source: "schedule" });
      expect(await scheduled({}, "2024-03-01T02:00:00Z")).toEqual({ date: "2024-02-29", source: "schedule" });
      expect(await scheduled({}, "2026-01-01T00:30:00Z")).toEqual({ date: "2025-12-31", source: "schedule" });
      // The scheduler's scheduled time wins over a late start (a retried invocation after midnight).
      expect(await scheduled({ scheduledTime: "2026-01-10T23:59:00Z" }, "2026-01-11T00:20:00Z")).toEqual({ date: "2026-01-09", source: "schedule" });
      const sameDay = buildDefinition(parsePipeline("x", { ...PIPELINES.financialDaily, schedule: { cron: "0 2 * * ? *", logicalDateOffsetDays: 0 } }), CONTEXT);
      expect(await scheduled({}, "2026-03-01T01:00:00Z", sameDay)).toEqual({ date: "2026-03-01", source: "schedule" });
    });

    test("only YYYY-MM-DD passes, and an arrival's key must be exactly <prefix><date>/<marker>", async () => {
      expect(await valid({ run: { date: "2026-01-05" } })).toBe(true);
      for (const date of ["2026-01-05T02:00:00Z", "2026-1-5", "2026-13-01", "2026-01-32", "latest", "_SUCCESS", 20260105]) {
        expect({ date, valid: await valid({ run: { date } }) }).toEqual({ date, valid: false });
      }
      expect(await valid({ key: "raw/ohlcv/2026-01-05/_SUCCESS", run: { date: "2026-01-05" } })).toBe(true);
      expect(await valid({ key: "raw/ohlcv/2026-01-05/late/_SUCCESS", run: { date: "2026-01-05" } })).toBe(false);
    });
  });

  test("pre-run checks: a headObject of every artifacts object a step reads, before CreateCluster, with the fix", () => {
    const d = buildDefinition(pipeline, { ...CONTEXT, environment: "dev" });
    expect(d.States["Date valid?"]).toMatchObject({ Choices: [{ Next: "Scheduled run?" }] });
    expect(d.States["Scheduled run?"]).toMatchObject({ Default: "CheckObject1" });
    expect(d.States.CheckObject1).toMatchObject({ Resource: RESOURCES.headObject, Parameters: { Bucket: "artifacts", Key: "jobs/rules/ohlcv.json" }, Next: "CreateCluster" });
    expect((d.States.ObjectMissing1 as any).Parameters.Cause).toBe(
      "s3://artifacts/jobs/rules/ohlcv.json is missing (or unreadable); Terraform deploys it from spark-jobs/rules/ohlcv.json; fix: npm run deploy -- dev",
    );
    expect((d.States.CodeManifestMissing as any).Parameters.Cause).toBe("the code manifest s3://artifacts/jobs/pipeline-code.json is missing (or unreadable); deploy writes it; fix: npm run deploy -- dev, or npm run emr -- upload dev --for-schedules");
  });

  test("m3: with schedule and trigger, a scheduled run whose day is done ends ALREADY_DONE; any doubt runs the day", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    expect(d.States["Scheduled run?"]).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.run.source", StringEquals: "schedule", Next: "DayDone" }],
      Default: "CheckObject1",
    });
    expect(d.States.DayDone).toMatchObject({
      Resource: RESOURCES.headObject,
      Parameters: { Bucket: "data", "Key.$": "States.Format('processed/financial/_runs/date={}/_metrics.json', $.run.date)" },
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.dayDoneCheck", Next: "CheckObject1" }],
      Next: "AlreadyDone",
    });
    expect((d.States.AlreadyDone as any).Parameters.status).toBe("ALREADY_DONE");
    expect(problems("smokeNightly", (p) => (p.schedule.skipWhenExists = "s3://{data_bucket}/x/{date}/y"))).toContain("only a pipeline with a trigger");
  });

  test("the concurrency guard stops a run only when the oldest RUNNING execution is another one", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    expect((d.States.CheckConcurrency as any).ResultSelector).toEqual({ "arns.$": "$.Executions[*].ExecutionArn", "startDates.$": "$.Executions[*].StartDate" });
    expect((d.States["Started first?"] as any).Choices[0]).toEqual({ Variable: "$.concurrency.oldest.arn", StringEqualsPath: "$.concurrency.oldest.self", Next: "Code given?" });
    expect((d.States["Started first?"] as any).Default).toBe(STATE.alreadyRunning);
  });

  test("{date} becomes States.Format over $.run.date and buckets are filled in; other steps run in cluster mode", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    const args = (d.States["Run process"] as any).Parameters.Step.HadoopJarStep["Args.$"];
    expect(args).toBe(
      "States.Array('spark-submit', '--deploy-mode', 'cluster', '--py-files', $.code.pyFiles, $.code.entrypoints.financial_data_processor, '--input', States.Format('s3://data/raw/ohlcv/{}/', $.run.date), '--history', 's3://data/raw/ohlcv/', '--lookback-days', '7', '--output', 's3://data/processed/financial/', '--date', States.Format('{}', $.run.date))",
    );
    const copy = (d.States["Run archive"] as any).Parameters.Step.HadoopJarStep["Args.$"];
    expect(copy).toBe(
      "States.Array('s3-dist-cp', '--src=s3://data/processed/financial/', States.Format('--dest=s3://data/processed/archive/{}/', $.run.date), States.Format('--srcPattern=.*/date={}/.*', $.run.date))",
    );
    expect((d.States["Run archive"] as any).Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.lastFailure", Next: "TerminateCluster" }]);
  });

  test("transient: createCluster → steps → terminateCluster; the timeout is the pipeline's", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    expect(d.TimeoutSeconds).toBe(240 * 60);
    expect((d.States.CreateCluster as any).Resource).toBe(RESOURCES.createCluster);
    expect((d.States.CreateCluster as any).Parameters["Name.$"]).toBe("States.Format('emr-platform-dev-p-{}', $$.Execution.Name)");
    expect((d.States.CreateCluster as any).Catch[0].Next).toBe("NotifyFailure");
    expect((d.States["Run archive"] as any).Next).toBe("TerminateCluster");
    expect((d.States.TerminateAfterFailure as any).Next).toBe("NotifyFailure");
  });

  test("cluster runtime: no create or terminate, steps name the environment's cluster", () => {
    const smoke = parsePipeline("smokeNightly", PIPELINES.smokeNightly);
    const d = buildDefinition(smoke, { ...CONTEXT, runJobFlow: undefined, clusterId: "j-ENV" });
    expect(Object.keys(d.States)).not.toEqual(expect.arrayContaining(["CreateCluster"]));
    expect(Object.values(d.States).some((s: any) => s.Resource === RESOURCES.terminateCluster)).toBe(false);
    const group = d.States["Run parallel_1"] as any;
    expect(group.Type).toBe("Parallel");
    expect(group.Branches.map((b: any) => b.States[b.StartAt].Parameters.ClusterId)).toEqual(["j-ENV", "j-ENV"]);
    expect(group.Catch[0].Next).toBe("NotifyFailure");
  });

  test("a transient pipeline without RunJobFlow parameters is a programming error, not a silent cluster pipeline", () => {
    expect(() => buildDefinition(pipeline, { ...CONTEXT, runJobFlow: undefined })).toThrow(/needs RunJobFlow/);
  });
});

describe("pipeline declarations", () => {
  test("every declared pipeline validates", () => {
    for (const [name, input] of Object.entries(PIPELINES)) expect(() => parsePipeline(name, input)).not.toThrow();
  });

  test("one message names every bad field and its fix: unknown job, bad argument, missing option, unknown placeholder", () => {
    const bad = {
      runtime: "transient",
      steps: [
        { job: "data_qualty", args: {} },
        { job: "smoke_test", args: { rows: "many", output: "s3://{data_bucket}/x/{day}/" } },
        { job: "financial_data_processor", args: { output: "s3://x/" } },
        { parallel: [{ job: "smoke_test", args: { output: "s3://x/" } }] },
      ],
      retries: 9,
    };
    let error: unknown;
    try {
      parsePipeline("broken", bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^environments\/pipelines.ts broken: \d+ invalid fields/);
    expect(message).toContain('steps.0.job = "data_qualty": unknown job "data_qualty"; fix: one of');
    expect(message).toContain('smoke_test --rows "many": expected a positive integer');
    expect(message).toContain("unknown placeholder {day}; fix: one of {date}, {data_bucket}, {artifacts_bucket}, {logs_bucket}");
    expect(message).toContain("financial_data_processor needs --input; fix: add it");
    expect(message).toContain("steps.3.parallel");
    expect(message).toContain("retries = 9");
    expect(message.split("\n").every((line) => !/^\s+at /.test(line))).toBe(true);
  });

  test("one step-name rule: a step's name, else its job, else copy; arguments as the job receives them", () => {
    expect(stepName({ job: "dedup", args: {}, onFailure: "stop" })).toBe("dedup");
    expect(stepName({ copy: { from: "a/", to: "b/", onlyDate: false }, onFailure: "stop" })).toBe("copy");
    expect(stepArgs({ args: { rows: 10, "no-picture": true, input: "x" } })).toEqual({ rows: "10", "no-picture": "true", input: "x" });
  });

  test("C20: two unnamed copy steps are refused, not collapsed into one state", () => {
    const message = problems("financialDaily", (p) => {
      p.steps[2] = { copy: { from: "processed/financial/", to: "archive/{date}/" } };
      p.steps.push({ copy: { from: "processed/quality/", to: "archive-quality/{date}/" } });
    });
    expect(message).toContain('step name "copy" is used twice; fix: name each copy step');
  });

  test("C21: a parallel group's name is in the duplicate set (state names are unique across the machine)", () => {
    const message = problems("smokeNightly", (p) => (p.steps[0].name = "smoke_small"));
    expect(message).toContain('step name "smoke_small" is used twice; fix: give each step a distinct name');
  });

  test("C06/C22: cron fields are checked against EventBridge's ranges and the day-of-month/day-of-week rule", () => {
    expect(problems("financialDaily", (p) => (p.schedule.cron = "61 2 * * ? *"))).toContain("schedule.cron = \"61 2 * * ? *\": minute 61 is outside 0–59; fix: 0–59");
    expect(problems("financialDaily", (p) => (p.schedule.cron = "0 2 * * * *"))).toContain('uses * in both day-of-month and day-of-week; fix: "0 2 * * ? *"');
    expect(cronProblems("0 24 * * ? *")).toEqual(["hour 24 is outside 0–23; fix: 0–23"]);
    expect(cronProblems("0 2 ? * MON-FRI *")).toEqual([]);
    expect(cronProblems("0/15 2 L * ? 2030")).toEqual([]);
    expect(cronProblems("0 2 ? * 3#2 *")).toEqual([]);
    expect(cronProblems("0 2 1 13 ? *")).toEqual(["month 13 is outside 1–12; fix: 1–12 or JAN-DEC"]);
    expect(cronProblems("0 2 1 * 2 *")).toEqual(['sets both day-of-month and day-of-week; fix: ? in one of them, e.g. "0 2 1 * ? *"']);
  });

  test("C07: the time zone must be one the runtime's IANA list knows", () => {
    expect(problems("financialDaily", (p) => (p.schedule.timezone = "Europe/Londn"))).toContain('schedule.timezone = "Europe/Londn": not an IANA time zone; fix: Europe/London');
    expect(problems("financialDaily", (p) => (p.schedule.timezone = "America/New_York"))).toBe("");
  });

  test("C12: timeoutMinutes says its bounds", () => {
    expect(problems("financialDaily", (p) => (p.timeoutMinutes = 4))).toContain("timeoutMinutes = 4: below 5 minutes; fix: 5–10080");
  });

  test("C16: a transient cluster's core count says why it must be at least 1", () => {
    const input = environmentInput("dev");
    expect(() => parseEnvironment({ ...input, pipelines: { financialDaily: { capacity: { coreCount: 0 } } } })).toThrow(
      /pipelines.financialDaily.capacity.coreCount = 0: a transient cluster needs at least 1 core node; fix: coreCount: 1/,
    );
  });

  test("C13/C14: copy.from is a key prefix, not a URI; from and to are distinct and to is not inside from", () => {
    expect(problems("financialDaily", (p) => (p.steps[2].copy.from = "s3://{data_bucket}/processed/financial/"))).toContain(
      "copy.from is a key prefix in the data bucket, not a URI; fix: processed/financial/",
    );
    expect(problems("financialDaily", (p) => (p.steps[2].copy.to = "processed/financial/"))).toContain("copy.to is copy.from");
    expect(problems("financialDaily", (p) => (p.steps[2].copy.to = "processed/financial/archive/{date}/"))).toContain('is inside copy.from "processed/financial/"');
  });

  test("a gate must declare where it writes its verdict, per day, and may not sit in a parallel group", () => {
    expect(problems("financialDaily", (p) => delete p.steps[0].args.verdict)).toContain("data_quality is a gate: the state machine reads its verdict object; fix: verdict:");
    expect(problems("trackerDaily", (p) => (p.steps[1].args.verdict = "s3://{data_bucket}/processed/tracker-diff/verdict.json"))).toContain("is not a per-day object");
    const message = problems("trackerDaily", (p) => (p.steps = [{ parallel: [p.steps[0], p.steps[1]] }]));
    expect(message).toContain("a gate cannot run inside a parallel group");
  });

  test("a trigger prefix must be the folder of the days a step reads: <prefix><date>/<marker>", () => {
    expect(problems("claimsDaily", (p) => (p.trigger.prefix = "raw/"))).toContain("no step reads s3://{data_bucket}/raw/{date}/");
  });

  test("an environment may enable only declared pipelines, and loadPipelines returns exactly the enabled ones", () => {
    const input = environmentInput("dev");
    expect(() => parseEnvironment({ ...input, pipelines: { nightlyTypo: {} } })).toThrow(/pipelines.nightlyTypo = .*no pipeline named "nightlyTypo"; fix: one of financialDaily, smokeNightly/);
    expect(Object.keys(loadPipelines(loadEnvironment("prod")))).toEqual(["financialDaily"]);
  });
});

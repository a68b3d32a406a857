/**
 * Every synthesized definition validates with asl-validator; the builder's shapes (gate Choice, parallel groups,
 * onFailure continue, cluster runtime) and the declaration schema's messages.
 */
import { Testing } from "cdktf";
import aslValidator from "asl-validator";
import { ConfigError, loadEnvironment, parsePipeline, PIPELINES, ENVIRONMENT_NAMES, loadPipelines, parseEnvironment, environmentInput } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { buildDefinition, RESOURCES, type PipelineContext } from "../../modules/pipeline/asl-builder";

const CONTEXT: PipelineContext = {
  pipelineName: "p",
  stateMachineName: "emr-platform-dev-p",
  topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
  buckets: { data_bucket: "data", artifacts_bucket: "artifacts", logs_bucket: "logs" },
  runJobFlow: { Name: "emr-platform-dev-p", ReleaseLabel: "emr-7.12.0" },
};

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

  test("the quality gate runs in client mode and a Choice on exit 2 leads to the clean stop", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    const gate = d.States["Run quality_gate"] as any;
    expect(gate.Parameters.Step.HadoopJarStep["Args.$"]).toContain("'--deploy-mode', 'client'");
    expect(gate.Parameters.Step.ActionOnFailure).toBe("CONTINUE");
    expect(gate.Catch[0]).toEqual({ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: "Gate quality_gate passed?" });
    const choice = d.States["Gate quality_gate passed?"] as any;
    expect(choice.Choices[0].Or.map((c: any) => c.StringMatches)).toEqual([...GATE_EXIT_PATTERNS]);
    expect(choice.Choices[0].Next).toBe("TerminateAfterGate");
    expect(choice.Default).toBe("TerminateAfterFailure");
  });

  test("{date} becomes States.Format over $.run.date and buckets are filled in; other steps run in cluster mode", () => {
    const d = buildDefinition(pipeline, CONTEXT);
    const args = (d.States["Run process"] as any).Parameters.Step.HadoopJarStep["Args.$"];
    expect(args).toBe(
      "States.Array('spark-submit', '--deploy-mode', 'cluster', '--py-files', $.code.pyFiles, $.code.entrypoints.financial_data_processor, '--input', States.Format('s3://data/raw/ohlcv/{}/', $.run.date), '--output', 's3://data/processed/financial/', '--date', States.Format('{}', $.run.date))",
    );
    const copy = (d.States["Run archive"] as any).Parameters.Step.HadoopJarStep["Args.$"];
    expect(copy).toBe("States.Array('s3-dist-cp', '--src=s3://data/processed/financial/', States.Format('--dest=s3://data/processed/archive/{}/', $.run.date))");
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

  test("an environment may enable only declared pipelines, and loadPipelines returns exactly the enabled ones", () => {
    const input = environmentInput("dev");
    expect(() => parseEnvironment({ ...input, pipelines: { nightlyTypo: {} } })).toThrow(/pipelines.nightlyTypo = .*no pipeline named "nightlyTypo"; fix: one of financialDaily, smokeNightly/);
    expect(Object.keys(loadPipelines(loadEnvironment("prod")))).toEqual(["financialDaily"]);
  });
});

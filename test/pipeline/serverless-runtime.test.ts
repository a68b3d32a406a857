/**
 * The serverless runtime of a pipeline: its job steps as emr-serverless startJobRun.sync Tasks with the cluster
 * step's entry point, bundle and arguments, the same gate, Retry and Catch shape, no cluster states; the environment's
 * runtime override and the named checks that refuse what EMR Serverless cannot run.
 */
import aslValidator from "asl-validator";
import { ConfigError, environmentInput, loadPipelines, parseEnvironment, parsePipeline, PIPELINES } from "../../environments";
import { RESOURCES } from "../../contracts/step-functions";
import { buildDefinition, STATE, type PipelineContext } from "../../modules/pipeline/asl-builder";

const SERVERLESS = { applicationId: "00abc", executionRoleArn: "arn:aws:iam::123456789012:role/job", logUri: "s3://logs/emr-serverless/" };
const CONTEXT: PipelineContext = {
  pipelineName: "trackerDaily",
  stateMachineName: "emr-platform-dev-tracker-daily",
  topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
  buckets: { data_bucket: "data", artifacts_bucket: "artifacts", logs_bucket: "logs" },
  clusterId: "j-ENV",
  serverless: SERVERLESS,
};

const tracker = parsePipeline("trackerDaily", PIPELINES.trackerDaily);
const onServerless = buildDefinition({ ...tracker, runtime: "serverless" }, CONTEXT);
const onCluster = buildDefinition(tracker, CONTEXT);
const state = (d: typeof onCluster, name: string) => d.States[name] as any;

/** The `States.Array(...)` items of the cluster step's Args after spark-submit's own options and the entry point. */
const clusterJobArgs = (name: string) => {
  const args = String(state(onCluster, STATE.run(name)).Parameters.Step.HadoopJarStep["Args.$"]);
  const entry = args.indexOf("$.code.entrypoints.");
  return args.slice(args.indexOf(",", entry) + 2, -1);
};

describe("a pipeline on serverless", () => {
  test("each job step is a startJobRun.sync Task: application, job role, a UUID client token, the manifest's entry point and bundle, the log URI", () => {
    const task = state(onServerless, STATE.run("aggregate"));
    expect(task.Resource).toBe("arn:aws:states:::emr-serverless:startJobRun.sync");
    expect(task.Parameters).toEqual({
      ApplicationId: "00abc",
      ExecutionRoleArn: "arn:aws:iam::123456789012:role/job",
      Name: "trackerDaily/aggregate",
      "ClientToken.$": "States.UUID()",
      JobDriver: {
        SparkSubmit: {
          "EntryPoint.$": "$.code.entrypoints.aggregate",
          "EntryPointArguments.$": expect.stringMatching(/^States\.Array\(/),
          "SparkSubmitParameters.$": "States.Format('--py-files {}', $.code.pyFiles)",
        },
      },
      ConfigurationOverrides: { MonitoringConfiguration: { S3MonitoringConfiguration: { LogUri: "s3://logs/emr-serverless/" } } },
    });
  });

  test.each(["aggregate", "compare_official"])("%s gets exactly the cluster step's job arguments, dates and buckets resolved the same way", (name) => {
    const args = String(state(onServerless, STATE.run(name)).Parameters.JobDriver.SparkSubmit["EntryPointArguments.$"]);
    expect(clusterJobArgs(name)).toContain("States.Format(");
    expect(args).toBe(`States.Array(${clusterJobArgs(name)})`);
  });

  test("the same Retry, Catch and gate: the verdict is read after the job run, a stop notifies; a failure notifies", () => {
    for (const name of ["aggregate", "compare_official"]) {
      const [serverless, cluster] = [state(onServerless, STATE.run(name)), state(onCluster, STATE.run(name))];
      expect([serverless.Retry, serverless.Catch, serverless.Next, serverless.ResultPath]).toEqual([cluster.Retry, cluster.Catch, cluster.Next, cluster.ResultPath]);
    }
    expect(state(onServerless, STATE.run("compare_official")).Retry).toEqual([{ ErrorEquals: ["States.ALL"], MaxAttempts: 0 }]);
    expect(state(onServerless, STATE.run("aggregate")).Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: STATE.notifyFailure }]);
    expect(state(onServerless, STATE.gatePassed("compare_official")).Choices.map((c: any) => c.Next)).toEqual([STATE.notifyGateStopped, STATE.succeeded]);
    expect(state(onServerless, STATE.readVerdict("compare_official"))).toEqual(state(onCluster, STATE.readVerdict("compare_official")));
  });

  test("no cluster: no EMR task and no create or terminate states; everything else is the cluster pipeline's", () => {
    const resources = Object.values(onServerless.States).map((s: any) => s.Resource).filter(Boolean);
    expect(resources).toContain(RESOURCES.startJobRun);
    expect(resources.filter((r) => r.includes("elasticmapreduce"))).toEqual([]);
    expect(Object.keys(onServerless.States)).toEqual(Object.keys(onCluster.States));
    expect(Object.keys(onServerless.States)).not.toContain(STATE.createCluster);
  });

  test("asl-validator accepts the definition", () => {
    const { isValid, errors } = aslValidator(onServerless as any, { checkPaths: true, checkArn: true });
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  test("parallel groups run job runs too; a copy step cannot be built (it needs a cluster)", () => {
    const smoke = buildDefinition({ ...parsePipeline("smokeNightly", PIPELINES.smokeNightly), runtime: "serverless" }, CONTEXT);
    const branches = (Object.values(smoke.States).find((s: any) => s.Type === "Parallel") as any).Branches;
    expect(branches.map((b: any) => b.States[b.StartAt].Resource)).toEqual([RESOURCES.startJobRun, RESOURCES.startJobRun]);
    const financial = { ...parsePipeline("financialDaily", PIPELINES.financialDaily), runtime: "serverless" as const };
    expect(() => buildDefinition(financial, CONTEXT)).toThrow(/copy step archive needs a cluster \(s3-dist-cp\)/);
  });

  test("fails if the context has no application", () => {
    expect(() => buildDefinition({ ...tracker, runtime: "serverless" }, { ...CONTEXT, serverless: undefined })).toThrow(/a serverless pipeline needs the EMR Serverless application/);
  });
});

/** The error of parsing dev with a change, or "" when it parses. */
function devProblems(change: (env: any) => void): string {
  const input = environmentInput("dev") as any;
  change(input);
  try {
    parseEnvironment(input, "environments/dev.ts");
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return "";
}

describe("the environment's runtime override and its checks", () => {
  test("an environment moves one pipeline to serverless; loadPipelines returns it on that runtime, the others on theirs", () => {
    const input = environmentInput("dev") as any;
    input.serverless = { ...input.serverless, enabled: true, imageTag: "abc123" };
    input.pipelines.trackerDaily = { schedule: false, runtime: "serverless" };
    const pipelines = loadPipelines(parseEnvironment(input));
    expect(pipelines.trackerDaily.runtime).toBe("serverless");
    expect(pipelines.claimsDaily.runtime).toBe(PIPELINES.claimsDaily.runtime);
  });

  test("fails if a pipeline runs on serverless where the environment does not enable it", () => {
    const message = devProblems((env) => {
      env.serverless = { enabled: false };
      env.pipelines.trackerDaily = { runtime: "serverless", schedule: false };
    });
    expect(message).toMatch(/pipelines\.trackerDaily\.runtime.*trackerDaily runs on EMR Serverless, which this environment does not enable; fix: serverless: \{ enabled: true \}/);
  });

  test("fails if a serverless pipeline runs jobs EMR's own image cannot run without the jobs' image, naming them and the fix", () => {
    const message = devProblems((env) => {
      env.serverless = { enabled: true };
      env.pipelines.trackerDaily = { runtime: "serverless", schedule: false };
    });
    expect(message).toMatch(/trackerDaily runs aggregate, compare, which EMR Serverless's own image \(Python 3\.9, no pandas\) cannot run \(aggregate: .*\); fix: npm run emr -- image push dev and set serverless.imageTag/);
    expect(devProblems((env) => ((env.serverless = { enabled: true, imageTag: "abc123" }), (env.pipelines.trackerDaily = { runtime: "serverless", schedule: false })))).toBe("");
  });

  test("fails if a serverless pipeline has a copy step", () => {
    const message = devProblems((env) => {
      env.serverless = { enabled: true, imageTag: "abc123" };
      env.pipelines.financialDaily = { runtime: "serverless", schedule: false };
    });
    expect(message).toMatch(/financialDaily steps\[2\] is a copy step \(s3-dist-cp\), which needs a cluster; fix: runtime "transient" or "cluster" for financialDaily/);
  });

  test("fails if an override names no runtime", () => {
    expect(devProblems((env) => (env.pipelines.trackerDaily = { runtime: "lambda" }))).toMatch(/pipelines\.trackerDaily\.runtime/);
  });
});

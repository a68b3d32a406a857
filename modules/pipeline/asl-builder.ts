/**
 * Generates a pipeline's Amazon States Language definition from its typed declaration (never hand-written JSON).
 *
 *   CheckConcurrency → (another run active? → AlreadyRunning, no cluster) → code and date of the run
 *   → [transient] CreateCluster (createCluster.sync) → one addStep.sync per step, Parallel for groups
 *   → [transient] TerminateCluster (terminateCluster.sync) → Succeeded
 *
 * Every failure after the cluster exists goes to TerminateAfterFailure → NotifyFailure (SNS) → PipelineFailed; a
 * failure before it goes straight to NotifyFailure. A quality gate (a catalogue job with an `exit2` meaning) that
 * exits 2 goes to TerminateAfterGate → NotifyGateStopped → GateStopped (a clean stop). Every Task has a bounded
 * Retry. Steps run with ActionOnFailure CONTINUE, so the state machine, not EMR, decides what happens next.
 */
import { findJob, jobArgv } from "../core/job-catalog";
import type { CopyStep, JobStep, Pipeline, PipelineStep, Placeholder } from "../../environments/pipelines";
import type { Json } from "./run-job-flow";

/** Resource ARNs of the integrations the definitions use (Step Functions developer guide, "Amazon EMR" page). */
export const RESOURCES = {
  createCluster: "arn:aws:states:::elasticmapreduce:createCluster.sync",
  addStep: "arn:aws:states:::elasticmapreduce:addStep.sync",
  terminateCluster: "arn:aws:states:::elasticmapreduce:terminateCluster.sync",
  publish: "arn:aws:states:::sns:publish",
  listExecutions: "arn:aws:states:::aws-sdk:sfn:listExecutions",
  getObject: "arn:aws:states:::aws-sdk:s3:getObject",
} as const;

/** Where `pipeline run` (and `upload`) record the content-addressed keys of the code scheduled runs use. */
export const CODE_MANIFEST_KEY = "jobs/pipeline-code.json";

/**
 * EMR step failures surface as States.TaskFailed whose Cause carries the step's FailureDetails; a gate step runs
 * spark-submit in client mode so the driver's exit code is the step's. These patterns (ASL StringMatches, `*` only)
 * recognise exit code 2; the exact wording is one of the things only a real account can confirm (README).
 */
export const GATE_EXIT_PATTERNS = ["*exit code 2", "*exit code 2 *", "*exit code 2.*", "*exit status 2*", "*exitCode=2*"] as const;

export interface PipelineContext {
  readonly pipelineName: string;
  readonly stateMachineName: string;
  readonly topicArn: string;
  readonly buckets: Readonly<Record<Exclude<Placeholder, "date">, string>>;
  /** RunJobFlow parameters (transient runtime). */
  readonly runJobFlow?: Record<string, Json>;
  /** The environment's cluster id (cluster runtime). */
  readonly clusterId?: string;
}

export type State = Record<string, Json>;
export interface Definition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
}

const CLUSTER_ID_PATH = "$.cluster.clusterId";

/** Bounded retry of a task: Step Functions' default is 3 attempts; we always say how many. */
function retry(maxAttempts: number, intervalSeconds = 30): Json[] {
  return [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: intervalSeconds, MaxAttempts: maxAttempts, BackoffRate: 2, MaxDelaySeconds: 600, JitterStrategy: "FULL" }];
}

function catchAll(next: string, resultPath = "$.error"): Json[] {
  return [{ ErrorEquals: ["States.ALL"], ResultPath: resultPath, Next: next }];
}

/** An intrinsic-function string literal: `'`, `{`, `}` and `\` are escaped with a backslash. */
function escapeLiteral(text: string): string {
  return text.replace(/[\\'{}]/g, (c) => `\\${c}`);
}

function literal(text: string): string {
  return `'${escapeLiteral(text)}'`;
}

/** One argument as an intrinsic expression: a literal, or States.Format over `$.run.date` when it uses {date}. */
function argument(value: string, buckets: PipelineContext["buckets"]): string {
  const parts = value.split(/(\{[a-z_]+\})/).filter((p) => p !== "");
  let template = "";
  let usesDate = false;
  for (const part of parts) {
    if (part === "{date}") {
      template += "{}";
      usesDate = true;
    } else if (/^\{[a-z_]+\}$/.test(part) && part.slice(1, -1) in buckets) {
      // Bucket names are inserted unescaped: at synth they are Terraform references, which contain braces.
      template += buckets[part.slice(1, -1) as keyof typeof buckets];
    } else {
      template += escapeLiteral(part);
    }
  }
  return usesDate ? `States.Format('${template}', $.run.date)` : `'${template}'`;
}

export function stepName(step: Exclude<PipelineStep, { parallel: unknown }>): string {
  return step.name ?? ("job" in step ? step.job : "copy");
}

export function isGate(step: PipelineStep): boolean {
  if (!("job" in step)) return false;
  const job = findJob(step.job);
  return typeof job !== "string" && job.exit2 !== null;
}

function jobArgs(step: JobStep, ctx: PipelineContext): string {
  const job = findJob(step.job);
  if (typeof job === "string") throw new Error(job);
  const args = Object.fromEntries(Object.entries(step.args).map(([k, v]) => [k, v === true ? "true" : String(v)]));
  // Client mode for a gate: spark-submit then exits with the driver's code, so exit 2 reaches the step's status.
  const mode = job.exit2 !== null ? "client" : "cluster";
  const items = [
    literal("spark-submit"),
    literal("--deploy-mode"),
    literal(mode),
    literal("--py-files"),
    "$.code.pyFiles",
    `$.code.entrypoints.${job.name}`,
    ...jobArgv(job, args).map((a) => argument(a, ctx.buckets)),
  ];
  return `States.Array(${items.join(", ")})`;
}

function copyArgs(step: CopyStep, ctx: PipelineContext): string {
  const items = [
    literal("s3-dist-cp"),
    argument(`--src=s3://{data_bucket}/${step.copy.from}`, ctx.buckets),
    argument(`--dest=s3://{data_bucket}/${step.copy.to}`, ctx.buckets),
  ];
  return `States.Array(${items.join(", ")})`;
}

function addStepTask(step: JobStep | CopyStep, pipeline: Pipeline, ctx: PipelineContext): State {
  const name = stepName(step);
  return {
    Type: "Task",
    Resource: RESOURCES.addStep,
    Parameters: {
      ...(ctx.clusterId !== undefined ? { ClusterId: ctx.clusterId } : { "ClusterId.$": CLUSTER_ID_PATH }),
      Step: {
        Name: `${ctx.pipelineName}/${name}`,
        ActionOnFailure: "CONTINUE",
        HadoopJarStep: { Jar: "command-runner.jar", "Args.$": "job" in step ? jobArgs(step, ctx) : copyArgs(step, ctx) },
      },
    },
    ResultPath: null,
    Retry: retry(pipeline.retries, 60),
  };
}

interface Targets {
  /** Where failures go: terminate (transient) or notify (cluster). */
  readonly onFailure: string;
  /** Where a gate's exit 2 goes. */
  readonly onGate: string;
}

function addSteps(pipeline: Pipeline, ctx: PipelineContext, states: Record<string, State>, targets: Targets, end: string): string {
  const names = pipeline.steps.map((step, i) =>
    "parallel" in step ? `Run ${step.name ?? `parallel_${i + 1}`}` : `Run ${stepName(step)}`,
  );
  pipeline.steps.forEach((step, i) => {
    const stateName = names[i];
    const next = names[i + 1] ?? end;
    if ("parallel" in step) {
      states[stateName] = {
        Type: "Parallel",
        Branches: step.parallel.map((leaf) => {
          const leafName = `Run ${stepName(leaf)}`;
          const branch: Record<string, State> = { [leafName]: { ...addStepTask(leaf, pipeline, ctx), End: true } };
          if (leaf.onFailure === "continue") {
            const skipped = `Continue after ${stepName(leaf)}`;
            branch[leafName].Catch = catchAll(skipped);
            delete branch[leafName].End;
            branch[leafName].Next = skipped;
            branch[skipped] = { Type: "Pass", End: true };
          }
          return { StartAt: leafName, States: branch };
        }),
        ResultPath: null,
        Next: next,
        Catch: catchAll(targets.onFailure),
      };
      return;
    }
    const task: State = { ...addStepTask(step, pipeline, ctx), Next: next };
    if (isGate(step)) {
      const check = `Gate ${stepName(step)} passed?`;
      task.Catch = [
        { ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: check },
        ...catchAll(targets.onFailure),
      ];
      states[check] = {
        Type: "Choice",
        Choices: [{ Or: GATE_EXIT_PATTERNS.map((p) => ({ Variable: "$.error.Cause", StringMatches: p })), Next: targets.onGate }],
        Default: targets.onFailure,
      };
    } else {
      task.Catch = step.onFailure === "continue" ? catchAll(next, "$.lastFailure") : catchAll(targets.onFailure);
    }
    states[stateName] = task;
  });
  return names[0];
}

function notify(ctx: PipelineContext, subject: string, next: string, onError: string): State {
  return {
    Type: "Task",
    Resource: RESOURCES.publish,
    Parameters: {
      TopicArn: ctx.topicArn,
      // SNS subjects: ASCII, at most 100 characters.
      Subject: `${ctx.stateMachineName}: ${subject}`.slice(0, 100),
      "Message.$": "States.JsonToString($)",
    },
    ResultPath: null,
    Retry: retry(3, 5),
    Catch: catchAll(onError, "$.notifyError"),
    Next: next,
  };
}

function terminate(next: string, onError: string): State {
  return {
    Type: "Task",
    Resource: RESOURCES.terminateCluster,
    Parameters: { "ClusterId.$": CLUSTER_ID_PATH },
    ResultPath: null,
    Retry: retry(3, 30),
    Catch: catchAll(onError, "$.terminateError"),
    Next: next,
  };
}

export function buildDefinition(pipeline: Pipeline, ctx: PipelineContext): Definition {
  const transient = pipeline.runtime === "transient";
  if (transient && !ctx.runJobFlow) throw new Error(`pipeline ${ctx.pipelineName}: a transient pipeline needs RunJobFlow parameters`);
  if (!transient && ctx.clusterId === undefined) throw new Error(`pipeline ${ctx.pipelineName}: a cluster pipeline needs the cluster id`);
  const states: Record<string, State> = {};
  const failed = "PipelineFailed";
  const notifyFailure = "NotifyFailure";
  const targets: Targets = transient
    ? { onFailure: "TerminateAfterFailure", onGate: "TerminateAfterGate" }
    : { onFailure: notifyFailure, onGate: "NotifyGateStopped" };

  states.CheckConcurrency = {
    Type: "Task",
    Resource: RESOURCES.listExecutions,
    // This execution is one of the RUNNING ones: a second entry means another run of this pipeline is active.
    Parameters: { "StateMachineArn.$": "$$.StateMachine.Id", StatusFilter: "RUNNING", MaxResults: 2 },
    // Only the ARNs: the rest (dates, names) would bloat every later state and the notification.
    ResultSelector: { "running.$": "$.Executions[*].ExecutionArn" },
    ResultPath: "$.concurrency",
    Retry: retry(2, 2),
    Catch: catchAll(notifyFailure),
    Next: "Another run active?",
  };
  states["Another run active?"] = {
    Type: "Choice",
    Choices: [{ Variable: "$.concurrency.running[1]", IsPresent: true, Next: "AlreadyRunning" }],
    Default: "Code given?",
  };
  states.AlreadyRunning = {
    Type: "Pass",
    Result: { status: "ALREADY_RUNNING", message: `another execution of ${ctx.pipelineName} is running; this one ended before creating a cluster` },
    End: true,
  };
  states["Code given?"] = {
    Type: "Choice",
    Choices: [{ Variable: "$.code.pyFiles", IsPresent: true, Next: "Date given?" }],
    Default: "LoadCodeManifest",
  };
  states.LoadCodeManifest = {
    Type: "Task",
    Resource: RESOURCES.getObject,
    Parameters: { Bucket: ctx.buckets.artifacts_bucket, Key: CODE_MANIFEST_KEY },
    ResultSelector: { "manifest.$": "States.StringToJson($.Body)" },
    ResultPath: "$.loaded",
    Retry: retry(2, 5),
    Catch: catchAll(notifyFailure),
    Next: "UseManifestCode",
  };
  states.UseManifestCode = { Type: "Pass", InputPath: "$.loaded.manifest", ResultPath: "$.code", Next: "Date given?" };
  const afterDate = transient ? "CreateCluster" : "__first_step__";
  states["Date given?"] = {
    Type: "Choice",
    Choices: [{ Variable: "$.date", IsPresent: true, Next: "DateFromInput" }],
    Default: "DateFromStartTime",
  };
  // A trigger passes the event time (2026-01-31T02:00:00Z), a person a date: both keep what precedes the T.
  states.DateFromInput = {
    Type: "Pass",
    Parameters: { "date.$": "States.ArrayGetItem(States.StringSplit($.date, 'T'), 0)" },
    ResultPath: "$.run",
    Next: afterDate,
  };
  states.DateFromStartTime = {
    Type: "Pass",
    Parameters: { "date.$": "States.ArrayGetItem(States.StringSplit($$.Execution.StartTime, 'T'), 0)" },
    ResultPath: "$.run",
    Next: afterDate,
  };

  const end = transient ? "TerminateCluster" : "Succeeded";
  const first = addSteps(pipeline, ctx, states, targets, end);
  for (const name of ["DateFromInput", "DateFromStartTime"]) {
    if (states[name].Next === "__first_step__") states[name].Next = first;
  }
  if (transient) {
    const runJobFlow = { ...ctx.runJobFlow } as Record<string, Json>;
    const baseName = String(runJobFlow.Name);
    delete runJobFlow.Name;
    states.CreateCluster = {
      Type: "Task",
      Resource: RESOURCES.createCluster,
      Parameters: { ...runJobFlow, "Name.$": `States.Format('${escapeLiteral(baseName)}-{}', $$.Execution.Name)` },
      ResultSelector: { "clusterId.$": "$.ClusterId" },
      ResultPath: "$.cluster",
      Retry: retry(1, 60),
      // No cluster exists yet (EMR terminates one that fails to start): straight to the notification.
      Catch: catchAll(notifyFailure),
      Next: first,
    };
    states.TerminateCluster = terminate("Succeeded", "TerminateAfterFailure");
    states.TerminateAfterFailure = terminate(notifyFailure, notifyFailure);
    states.TerminateAfterGate = terminate("NotifyGateStopped", notifyFailure);
  }
  states[notifyFailure] = notify(ctx, "pipeline failed", failed, failed);
  states.NotifyGateStopped = notify(ctx, "quality gate stopped the run", "GateStopped", failed);
  states.GateStopped = { Type: "Succeed" };
  states.Succeeded = { Type: "Succeed" };
  states[failed] = { Type: "Fail", Error: "Pipeline.Failed", Cause: `pipeline ${ctx.pipelineName} failed; the notification carries the error` };
  if (!pipeline.steps.some(isGate)) {
    delete states.NotifyGateStopped;
    delete states.GateStopped;
    delete states.TerminateAfterGate;
  }
  return {
    Comment: `${ctx.pipelineName}: ${pipeline.description || "generated from environments/pipelines.ts"}`,
    StartAt: "CheckConcurrency",
    TimeoutSeconds: pipeline.timeoutMinutes * 60,
    States: states,
  };
}

/**
 * Generates a pipeline's Amazon States Language definition from its typed declaration (never hand-written JSON).
 * The definition is built in reading order from fragments, each a Record<string, State> that names its exits:
 *
 *   preamble    CheckConcurrency → (an earlier run still RUNNING? → AlreadyRunning, no cluster) → the run's code
 *   date        the logical date: the arrival key's date segment, a person's `date`, or the schedule's day minus
 *               `schedule.logicalDateOffsetDays`; checked to be YYYY-MM-DD (else InvalidDate → NotifyFailure)
 *   backstop    [schedule and trigger] a scheduled run whose day is already done ends ALREADY_DONE
 *   checks      every s3://{artifacts_bucket}/… object a step reads exists (headObject), else a message naming it
 *   cluster     [transient] CreateCluster (createCluster.sync)
 *   steps       one addStep.sync per step (serverless: one emr-serverless startJobRun.sync), Parallel for groups;
 *               after a gate, its verdict object is read and a Choice stops the run on "stop"
 *   closing     [transient] TerminateCluster → Succeeded; TerminateAfterFailure → NotifyFailure → PipelineFailed;
 *               [gate] TerminateAfterGate → NotifyGateStopped → GateStopped
 *
 * Every successful end leaves a top-level `status`: SUCCEEDED, GATE_STOPPED (with the verdict), ALREADY_RUNNING or
 * (a scheduled backstop run only) ALREADY_DONE.
 * Every Task has a bounded Retry; a gate's is MaxAttempts 0 (a verdict is not retried). Steps run with ActionOnFailure CONTINUE, so the state machine, not
 * EMR, decides what happens next.
 */
import { findJob, jobArgv } from "../../contracts/job-catalog";
import { CODE_MANIFEST_KEY, CODE_PATH, codePath, RESOURCES } from "../../contracts/step-functions";
import {
  groupName,
  isGateStep,
  leafSteps,
  stepArgs,
  stepName,
  triggerDateSegment,
  type CopyStep,
  type JobStep,
  type Pipeline,
  type PipelineStep,
  type Placeholder,
} from "../../environments/pipelines";
import type { Json } from "./run-job-flow";

/** State names: the CLI's status report, the local runner and the tests read these. */
export const STATE = {
  checkConcurrency: "CheckConcurrency",
  anotherRunActive: "Another run active?",
  oldestRunning: "OldestRunning",
  startedFirst: "Started first?",
  alreadyRunning: "AlreadyRunning",
  codeGiven: "Code given?",
  loadCodeManifest: "LoadCodeManifest",
  codeManifestMissing: "CodeManifestMissing",
  useManifestCode: "UseManifestCode",
  dateSource: "Date source?",
  dateFromKey: "DateFromKey",
  dateFromInput: "DateFromInput",
  dateFromSchedule: "DateFromSchedule",
  dateValid: "Date valid?",
  invalidDate: "InvalidDate",
  scheduledRun: "Scheduled run?",
  dayDone: "DayDone",
  alreadyDone: "AlreadyDone",
  createCluster: "CreateCluster",
  terminateCluster: "TerminateCluster",
  terminateAfterFailure: "TerminateAfterFailure",
  terminateAfterGate: "TerminateAfterGate",
  notifyFailure: "NotifyFailure",
  notifyGateStopped: "NotifyGateStopped",
  gateStopped: "GateStopped",
  succeeded: "Succeeded",
  pipelineFailed: "PipelineFailed",
  run: (name: string) => `Run ${name}`,
  continueAfter: (name: string) => `Continue after ${name}`,
  readVerdict: (name: string) => `Read ${name} verdict`,
  gatePassed: (name: string) => `Gate ${name} passed?`,
  checkObject: (n: number) => `CheckObject${n}`,
  objectMissing: (n: number) => `ObjectMissing${n}`,
} as const;

/** Where each part of the run's state lives in the execution's JSON. */
const PATH = {
  clusterId: "$.cluster.clusterId",
  date: "$.run.date",
  /** The last gate's verdict object ({"verdict": "pass" | "stop", "job", "reason", "details"}). */
  gate: "$.gate",
  gateVerdict: "$.gate.verdict.verdict",
} as const;

export interface PipelineContext {
  readonly pipelineName: string;
  readonly stateMachineName: string;
  readonly topicArn: string;
  readonly buckets: Readonly<Record<Exclude<Placeholder, "date">, string>>;
  /** The environment's name, for the fixes the failure messages suggest (`npm run deploy -- <env>`). */
  readonly environment?: string;
  /** RunJobFlow parameters (transient runtime). */
  readonly runJobFlow?: Record<string, Json>;
  /** The environment's cluster id (cluster runtime). */
  readonly clusterId?: string;
  /** The environment's EMR Serverless application (serverless runtime). */
  readonly serverless?: ServerlessJobTarget;
}

/** Where a serverless step's job run goes: the application, the job role it runs as, and where its logs land. */
export interface ServerlessJobTarget {
  readonly applicationId: string;
  readonly executionRoleArn: string;
  /** `s3://<logs bucket>/<prefix>`: the job run's monitoring log URI. */
  readonly logUri: string;
}

export type State = Record<string, Json>;
type States = Record<string, State>;
export interface Definition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: States;
}

/** Bounded retry of a task: Step Functions' default is 3 attempts; we always say how many. */
function retry(maxAttempts: number, intervalSeconds = 30): Json[] {
  return [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: intervalSeconds, MaxAttempts: maxAttempts, BackoffRate: 2, MaxDelaySeconds: 600, JitterStrategy: "FULL" }];
}

/**
 * "Never retried", said explicitly (ASL: MaxAttempts 0 means the error is never retried): for tasks whose failure is
 * an answer, not a glitch (a gate, the backstop's existence check), so the guard's every-Task-has-a-Retry rule holds.
 */
const NO_RETRY: Json[] = [{ ErrorEquals: ["States.ALL"], MaxAttempts: 0 }];

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

/** A value with placeholders as an intrinsic template: `{date}` → `{}`, bucket placeholders filled in. */
function template(value: string, buckets: PipelineContext["buckets"]): { template: string; usesDate: boolean } {
  let out = "";
  let usesDate = false;
  for (const part of value.split(/(\{[a-z_]+\})/).filter((p) => p !== "")) {
    if (part === "{date}") {
      out += "{}";
      usesDate = true;
    } else if (/^\{[a-z_]+\}$/.test(part) && part.slice(1, -1) in buckets) {
      // Bucket names are inserted unescaped: at synth they are Terraform references, which contain braces.
      out += buckets[part.slice(1, -1) as keyof typeof buckets];
    } else {
      out += escapeLiteral(part);
    }
  }
  return { template: out, usesDate };
}

/** One argument as an intrinsic expression: a literal, or States.Format over `$.run.date` when it uses {date}. */
function argument(value: string, buckets: PipelineContext["buckets"]): string {
  const t = template(value, buckets);
  return t.usesDate ? `States.Format('${t.template}', ${PATH.date})` : `'${t.template}'`;
}

/** `s3://{bucket}/key` → the Bucket and Key (or Key.$ over the run's date) Parameters of an S3 SDK task. */
function s3Object(uri: string, buckets: PipelineContext["buckets"]): Record<string, string> {
  const match = /^s3:\/\/\{([a-z_]+)\}\/(.+)$/.exec(uri);
  const bucket = match ? buckets[match[1] as keyof typeof buckets] : undefined;
  if (!match || bucket === undefined) throw new Error(`"${uri}" is not s3://{a bucket placeholder}/<key>`);
  const key = template(match[2], buckets);
  return key.usesDate ? { Bucket: bucket, "Key.$": `States.Format('${key.template}', ${PATH.date})` } : { Bucket: bucket, Key: match[2] };
}

function fixCommand(ctx: PipelineContext, command: string): string {
  return `npm run ${command} ${ctx.environment ?? "<env>"}`;
}

/** A job step's job, known to exist: environments/pipelines.ts refused unknown jobs, so this is type narrowing. */
function catalogJob(step: JobStep) {
  const job = findJob(step.job);
  if (typeof job === "string") throw new Error(job);
  return job;
}

/** The job's own arguments as intrinsic expressions, the same on every runtime ({date} and buckets resolved alike). */
function jobArgvItems(step: JobStep, ctx: PipelineContext): string[] {
  return jobArgv(catalogJob(step), stepArgs(step)).map((a) => argument(a, ctx.buckets));
}

/**
 * Every step runs spark-submit in cluster mode, gates included: a gate's stop is now the verdict object it writes,
 * not its exit code, so nothing needs the driver on the primary node. In cluster mode spark-submit still waits for
 * the application and exits non-zero when it fails (spark.yarn.submit.waitAppCompletion, default true:
 * https://spark.apache.org/docs/latest/running-on-yarn.html), so a broken job still fails its step; and the
 * primary node stays free of drivers.
 */
function jobArgs(step: JobStep, ctx: PipelineContext): string {
  const items = [
    literal("spark-submit"),
    literal("--deploy-mode"),
    literal("cluster"),
    literal("--py-files"),
    codePath("pyFiles"),
    codePath("entrypoints", catalogJob(step).name),
    ...jobArgvItems(step, ctx),
  ];
  return `States.Array(${items.join(", ")})`;
}

/**
 * s3-dist-cp: with onlyDate, --srcPattern keeps the files under --src whose full path matches the regex, with their
 * path relative to --src (EMR Release Guide, S3DistCp options:
 * https://docs.aws.amazon.com/emr/latest/ReleaseGuide/UsingEMR_s3distcp.html). The processed datasets are partitioned
 * by date=<D>, and the run's metrics and pictures live under _runs/date=<D>/, so ".*\/date=<D>/.*" is the day.
 */
function copyArgs(step: CopyStep, ctx: PipelineContext): string {
  const items = [
    literal("s3-dist-cp"),
    argument(`--src=s3://{data_bucket}/${step.copy.from}`, ctx.buckets),
    argument(`--dest=s3://{data_bucket}/${step.copy.to}`, ctx.buckets),
    ...(step.copy.onlyDate ? [argument("--srcPattern=.*/date={date}/.*", ctx.buckets)] : []),
  ];
  return `States.Array(${items.join(", ")})`;
}

/** A gate is deterministic: a retry would run it again for the same answer. Its failure means "it broke". */
function stepRetry(step: JobStep | CopyStep, pipeline: Pipeline): Json[] {
  return isGateStep(step) ? NO_RETRY : retry(pipeline.retries, 60);
}

function addStepTask(step: JobStep | CopyStep, pipeline: Pipeline, ctx: PipelineContext): State {
  return {
    Type: "Task",
    Resource: RESOURCES.addStep,
    Parameters: {
      ...(ctx.clusterId !== undefined ? { ClusterId: ctx.clusterId } : { "ClusterId.$": PATH.clusterId }),
      Step: {
        Name: `${ctx.pipelineName}/${stepName(step)}`,
        ActionOnFailure: "CONTINUE",
        HadoopJarStep: { Jar: "command-runner.jar", "Args.$": "job" in step ? jobArgs(step, ctx) : copyArgs(step, ctx) },
      },
    },
    ResultPath: null,
    Retry: stepRetry(step, pipeline),
  };
}

/**
 * A job step on EMR Serverless: the optimized integration's startJobRun.sync, which waits for the job run to end
 * ("Create and manage Amazon EMR Serverless applications with Step Functions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html: the integration supports Run a Job
 * (.sync), and its Parameters are StartJobRun's request fields in PascalCase). A job run that ends FAILED or
 * CANCELLED fails the Task, like a failed addStep.sync ("Run a Job (.sync)": the task fails when the job fails,
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync); the page names no
 * error of its own, so the same Retry (States.TaskFailed) and Catch (States.ALL) as the cluster's steps cover it.
 * The entry point, --py-files bundle and arguments are the cluster step's; ClientToken makes StartJobRun idempotent
 * for one attempt, and a new UUID per attempt lets a Retry start a new run.
 */
function jobRunTask(step: JobStep, pipeline: Pipeline, ctx: PipelineContext): State {
  const target = ctx.serverless;
  if (!target) throw new Error(`pipeline ${ctx.pipelineName}: a serverless pipeline needs the EMR Serverless application`);
  return {
    Type: "Task",
    Resource: RESOURCES.startJobRun,
    Parameters: {
      ApplicationId: target.applicationId,
      ExecutionRoleArn: target.executionRoleArn,
      Name: `${ctx.pipelineName}/${stepName(step)}`,
      "ClientToken.$": "States.UUID()",
      JobDriver: {
        SparkSubmit: {
          "EntryPoint.$": codePath("entrypoints", catalogJob(step).name),
          "EntryPointArguments.$": `States.Array(${jobArgvItems(step, ctx).join(", ")})`,
          "SparkSubmitParameters.$": `States.Format('--py-files {}', ${codePath("pyFiles")})`,
        },
      },
      ConfigurationOverrides: { MonitoringConfiguration: { S3MonitoringConfiguration: { LogUri: target.logUri } } },
    },
    ResultPath: null,
    Retry: stepRetry(step, pipeline),
  };
}

/** The Task that runs one job or copy step on the pipeline's runtime. */
function stepTask(step: JobStep | CopyStep, pipeline: Pipeline, ctx: PipelineContext): State {
  if (pipeline.runtime !== "serverless") return addStepTask(step, pipeline, ctx);
  // environments/checks.ts refuses copy steps on serverless (serverlessPipelineNoCopySteps); this is the builder's guard.
  if (!("job" in step)) throw new Error(`pipeline ${ctx.pipelineName}: copy step ${stepName(step)} needs a cluster (s3-dist-cp); EMR Serverless runs Spark jobs only`);
  return jobRunTask(step, pipeline, ctx);
}

interface Targets {
  /** Where failures go: terminate (transient) or notify (cluster). */
  readonly onFailure: string;
  /** Where a gate's "stop" goes. */
  readonly onGate: string;
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
    Parameters: { "ClusterId.$": PATH.clusterId },
    ResultPath: null,
    Retry: retry(3, 30),
    Catch: catchAll(onError, "$.terminateError"),
    Next: next,
  };
}

/** A Pass that records a failure the operator can act on, then the failure notification. */
function failure(error: string, cause: Json, causeIsExpression = false): State {
  return {
    Type: "Pass",
    Parameters: { Error: error, [causeIsExpression ? "Cause.$" : "Cause"]: cause },
    ResultPath: "$.error",
    Next: STATE.notifyFailure,
  };
}

/**
 * The concurrency guard and the run's code. ListExecutions returns the newest execution first
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html: "Results are sorted by time,
 * with the most recent execution first"), so the last entry of the RUNNING list is the oldest: a run continues only
 * when that is itself. Two runs started together both see the same list, and exactly one of them is its last entry.
 */
function preamble(ctx: PipelineContext, next: string): States {
  return {
    [STATE.checkConcurrency]: {
      Type: "Task",
      Resource: RESOURCES.listExecutions,
      // 1000 is the API's maximum page: the oldest RUNNING execution is on it unless a thousand are running.
      Parameters: { "StateMachineArn.$": "$$.StateMachine.Id", StatusFilter: "RUNNING", MaxResults: 1000 },
      // Only ARNs and start dates: the rest (names, state-machine ARNs) would bloat every later state.
      ResultSelector: { "arns.$": "$.Executions[*].ExecutionArn", "startDates.$": "$.Executions[*].StartDate" },
      ResultPath: "$.concurrency",
      Retry: retry(2, 2),
      Catch: catchAll(STATE.notifyFailure),
      Next: STATE.anotherRunActive,
    },
    [STATE.anotherRunActive]: {
      Type: "Choice",
      Choices: [{ Variable: "$.concurrency.arns[1]", IsPresent: true, Next: STATE.oldestRunning }],
      Default: STATE.codeGiven,
    },
    [STATE.oldestRunning]: {
      Type: "Pass",
      Parameters: {
        "arn.$": "States.ArrayGetItem($.concurrency.arns, States.MathAdd(States.ArrayLength($.concurrency.arns), -1))",
        "startDate.$": "States.ArrayGetItem($.concurrency.startDates, States.MathAdd(States.ArrayLength($.concurrency.startDates), -1))",
        // Copied here so the Choice compares two state paths (the context object is read in Parameters).
        "self.$": "$$.Execution.Id",
      },
      ResultPath: "$.concurrency.oldest",
      Next: STATE.startedFirst,
    },
    [STATE.startedFirst]: {
      Type: "Choice",
      Choices: [{ Variable: "$.concurrency.oldest.arn", StringEqualsPath: "$.concurrency.oldest.self", Next: STATE.codeGiven }],
      Default: STATE.alreadyRunning,
    },
    [STATE.alreadyRunning]: {
      Type: "Pass",
      Parameters: {
        status: "ALREADY_RUNNING",
        message: `an earlier execution of ${ctx.pipelineName} is running; this one ended before creating a cluster`,
        "runningExecution.$": "$.concurrency.oldest.arn",
        "runningSince.$": "$.concurrency.oldest.startDate",
      },
      End: true,
    },
    [STATE.codeGiven]: {
      Type: "Choice",
      Choices: [{ Variable: codePath("pyFiles"), IsPresent: true, Next: next }],
      Default: STATE.loadCodeManifest,
    },
    [STATE.loadCodeManifest]: {
      Type: "Task",
      Resource: RESOURCES.getObject,
      Parameters: { Bucket: ctx.buckets.artifacts_bucket, Key: CODE_MANIFEST_KEY },
      ResultSelector: { "manifest.$": "States.StringToJson($.Body)" },
      ResultPath: "$.loaded",
      Retry: retry(2, 5),
      // After the retries, any error here means the manifest cannot be read: a missing key (S3.NoSuchKeyException,
      // or a 403 when the role may not list the bucket: GetObject, "Permissions",
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). The S3 error stays in $.checkError.
      Catch: catchAll(STATE.codeManifestMissing, "$.checkError"),
      Next: STATE.useManifestCode,
    },
    [STATE.codeManifestMissing]: failure(
      "Pipeline.CodeManifestMissing",
      `the code manifest s3://${ctx.buckets.artifacts_bucket}/${CODE_MANIFEST_KEY} is missing (or unreadable); deploy writes it; fix: ${fixCommand(ctx, "deploy --")}, or ${fixCommand(ctx, "emr -- upload")} --for-schedules`,
    ),
    [STATE.useManifestCode]: { Type: "Pass", InputPath: "$.loaded.manifest", ResultPath: CODE_PATH, Next: next },
  };
}

const ISO_DAY = "/^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/";

/**
 * The run's logical date, in `$.run.date` with where it came from in `$.run.source` (DESIGN.md "Days, not runs"):
 * - an arrival: the key segment right after the trigger prefix (raw/claims/2026-01-05/_SUCCESS → 2026-01-05), not
 *   the event time (S3 EventBridge events: `time` is when the object was written,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html);
 * - a person's `date` (a backfill), as given;
 * - a schedule: the day it was scheduled for minus `schedule.logicalDateOffsetDays`. ASL's intrinsic functions
 *   have no date arithmetic, so this one state is JSONata: a JSONPath machine may set `QueryLanguage: "JSONata"` per
 *   state (https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html), and Step Functions
 *   implements JSONata 2.0.6 with its built-ins (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html),
 *   $toMillis/$fromMillis among them. It
 *   reads `scheduledTime` when the schedule passes EventBridge Scheduler's <aws.scheduler.scheduled-time>
 *   (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html), else the
 *   execution's start time, both UTC.
 * Then a JSONata Choice checks the shape (and, for an arrival, that the key is exactly <prefix><date>/<marker>)
 * before any path is built from it; anything else fails with InvalidDate, naming the value and its source.
 */
export function dateFragment(pipeline: Pipeline, next: string): States {
  const offsetDays = pipeline.schedule?.logicalDateOffsetDays ?? 1;
  const trigger = pipeline.trigger;
  const scheduledDay =
    `$fromMillis($toMillis($exists($states.input.scheduledTime) ? $states.input.scheduledTime : $states.context.Execution.StartTime)` +
    ` - ${offsetDays} * 86400000, '[Y0001]-[M01]-[D01]')`;
  const dateOk = `$contains($string($states.input.run.date), ${ISO_DAY})`;
  const keyOk = trigger
    ? ` and ($not($exists($states.input.key)) or $states.input.key = ${JSON.stringify(trigger.prefix)} & $states.input.run.date & ${JSON.stringify(`/${trigger.marker}`)})`
    : "";
  return {
    [STATE.dateSource]: {
      Type: "Choice",
      Choices: [
        ...(trigger ? [{ Variable: "$.key", IsPresent: true, Next: STATE.dateFromKey }] : []),
        { Variable: "$.date", IsPresent: true, Next: STATE.dateFromInput },
      ],
      Default: STATE.dateFromSchedule,
    },
    ...(trigger
      ? {
          [STATE.dateFromKey]: {
            Type: "Pass",
            Parameters: { "date.$": `States.ArrayGetItem(States.StringSplit($.key, '/'), ${triggerDateSegment(trigger.prefix)})`, source: "arrival" },
            ResultPath: "$.run",
            Next: STATE.dateValid,
          },
        }
      : {}),
    [STATE.dateFromInput]: { Type: "Pass", Parameters: { "date.$": "$.date", source: "input" }, ResultPath: "$.run", Next: STATE.dateValid },
    [STATE.dateFromSchedule]: {
      Type: "Pass",
      QueryLanguage: "JSONata",
      Output: `{% $merge([$states.input, {'run': {'date': ${scheduledDay}, 'source': 'schedule'}}]) %}`,
      Next: STATE.dateValid,
    },
    [STATE.dateValid]: {
      Type: "Choice",
      QueryLanguage: "JSONata",
      Choices: [{ Condition: `{% ${dateOk}${keyOk} %}`, Next: next }],
      Default: STATE.invalidDate,
    },
    [STATE.invalidDate]: failure(
      "Pipeline.InvalidDate",
      `States.Format('the run date {} (from the {}) is not a day as YYYY-MM-DD${trigger ? ` (an arrival marker must be ${escapeLiteral(trigger.prefix)}<YYYY-MM-DD>/${escapeLiteral(trigger.marker)})` : ""}; fix: pass --date YYYY-MM-DD', $.run.date, $.run.source)`,
      true,
    ),
  };
}

/**
 * When schedule and trigger are both on, the schedule is the backstop: a scheduled run whose day already has the
 * `schedule.skipWhenExists` object (the trigger's run did the day) ends ALREADY_DONE before any cluster. Any error
 * of the headObject (missing, or unreadable) means "run": a doubtful check never skips a day.
 */
function backstop(pipeline: Pipeline, ctx: PipelineContext, next: string): States {
  const skip = pipeline.schedule?.skipWhenExists;
  if (!skip) return {};
  return {
    [STATE.scheduledRun]: {
      Type: "Choice",
      Choices: [{ Variable: "$.run.source", StringEquals: "schedule", Next: STATE.dayDone }],
      Default: next,
    },
    [STATE.dayDone]: {
      Type: "Task",
      Comment: `${skip} exists for the run's date`,
      Resource: RESOURCES.headObject,
      Parameters: s3Object(skip, ctx.buckets),
      ResultPath: null,
      Retry: NO_RETRY,
      Catch: catchAll(next, "$.dayDoneCheck"),
      Next: STATE.alreadyDone,
    },
    [STATE.alreadyDone]: {
      Type: "Pass",
      Parameters: { status: "ALREADY_DONE", "run.$": "$.run", message: `the day's run of ${ctx.pipelineName} already happened (its ${skip} exists); the schedule had nothing to do` },
      End: true,
    },
  };
}

/** Every s3://{artifacts_bucket}/… object the steps read: deployed by Terraform, so a missing one is a deploy away. */
export function artifactObjects(pipeline: Pipeline): string[] {
  const uris = leafSteps(pipeline.steps)
    .flatMap(([s]) => ("job" in s ? Object.values(stepArgs(s)) : []))
    .filter((v) => v.startsWith("s3://{artifacts_bucket}/"));
  return [...new Set(uris)];
}

/** One headObject per non-data input before anything runs: a missing object fails here, naming itself and the fix. */
function preRunChecks(pipeline: Pipeline, ctx: PipelineContext, next: string): States {
  const objects = artifactObjects(pipeline);
  const states: States = {};
  objects.forEach((uri, i) => {
    const n = i + 1;
    states[STATE.checkObject(n)] = {
      Type: "Task",
      Comment: `${uri} exists`,
      Resource: RESOURCES.headObject,
      Parameters: s3Object(uri, ctx.buckets),
      ResultPath: null,
      Retry: retry(2, 5),
      Catch: catchAll(STATE.objectMissing(n), "$.checkError"),
      Next: n < objects.length ? STATE.checkObject(n + 1) : next,
    };
    const shown = uri.replace("{artifacts_bucket}", ctx.buckets.artifacts_bucket);
    states[STATE.objectMissing(n)] = failure(
      "Pipeline.InputMissing",
      `${shown} is missing (or unreadable); Terraform deploys it from spark-jobs/${uri.replace("s3://{artifacts_bucket}/jobs/", "")}; fix: ${fixCommand(ctx, "deploy --")}`,
    );
  });
  return states;
}

function clusterStart(ctx: PipelineContext, next: string): States {
  const { Name: baseName, ...runJobFlow } = ctx.runJobFlow ?? {};
  return {
    [STATE.createCluster]: {
      Type: "Task",
      Resource: RESOURCES.createCluster,
      Parameters: { ...runJobFlow, "Name.$": `States.Format('${escapeLiteral(String(baseName))}-{}', $$.Execution.Name)` },
      ResultSelector: { "clusterId.$": "$.ClusterId" },
      ResultPath: "$.cluster",
      Retry: retry(1, 60),
      // No cluster exists yet (EMR terminates one that fails to start): straight to the notification.
      Catch: catchAll(STATE.notifyFailure),
      Next: next,
    },
  };
}

/** The name of the state that runs a top-level step (a group's Parallel, or the step's Task). */
function stepStateName(step: PipelineStep, index: number): string {
  return STATE.run("parallel" in step ? groupName(step, index) : stepName(step));
}

/**
 * After a gate: read its verdict object (contract with the gate jobs: `--verdict <uri>` writes
 * {"verdict": "pass" | "stop", "job", "reason", "details"} and exits 0 either way; non-zero means it broke), and
 * branch on it. Anything but "pass" or "stop" is a failure, not a silent pass.
 */
function gateStates(step: JobStep, ctx: PipelineContext, targets: Targets, next: string): States {
  const name = stepName(step);
  return {
    [STATE.readVerdict(name)]: {
      Type: "Task",
      Resource: RESOURCES.getObject,
      Parameters: s3Object(stepArgs(step).verdict, ctx.buckets),
      ResultSelector: { "verdict.$": "States.StringToJson($.Body)" },
      ResultPath: PATH.gate,
      Retry: retry(2, 5),
      Catch: catchAll(targets.onFailure),
      Next: STATE.gatePassed(name),
    },
    [STATE.gatePassed(name)]: {
      Type: "Choice",
      Choices: [
        { And: [{ Variable: PATH.gateVerdict, IsPresent: true }, { Variable: PATH.gateVerdict, StringEquals: "stop" }], Next: targets.onGate },
        { And: [{ Variable: PATH.gateVerdict, IsPresent: true }, { Variable: PATH.gateVerdict, StringEquals: "pass" }], Next: next },
      ],
      Default: targets.onFailure,
    },
  };
}

function stepStates(pipeline: Pipeline, ctx: PipelineContext, targets: Targets, end: string): States {
  const states: States = {};
  pipeline.steps.forEach((step, i) => {
    const next = pipeline.steps[i + 1] ? stepStateName(pipeline.steps[i + 1], i + 1) : end;
    if ("parallel" in step) {
      states[stepStateName(step, i)] = {
        Type: "Parallel",
        Branches: step.parallel.map((leaf) => {
          const leafName = STATE.run(stepName(leaf));
          const task = stepTask(leaf, pipeline, ctx);
          const branch: States =
            leaf.onFailure === "continue"
              ? {
                  [leafName]: { ...task, Catch: catchAll(STATE.continueAfter(stepName(leaf))), Next: STATE.continueAfter(stepName(leaf)) },
                  [STATE.continueAfter(stepName(leaf))]: { Type: "Pass", End: true },
                }
              : { [leafName]: { ...task, End: true } };
          return { StartAt: leafName, States: branch };
        }),
        ResultPath: null,
        Next: next,
        Catch: catchAll(targets.onFailure),
      };
      return;
    }
    if (isGateStep(step) && "job" in step) {
      states[stepStateName(step, i)] = { ...stepTask(step, pipeline, ctx), Catch: catchAll(targets.onFailure), Next: STATE.readVerdict(stepName(step)) };
      Object.assign(states, gateStates(step, ctx, targets, next));
      return;
    }
    const catches = step.onFailure === "continue" ? catchAll(next, "$.lastFailure") : catchAll(targets.onFailure);
    states[stepStateName(step, i)] = { ...stepTask(step, pipeline, ctx), Catch: catches, Next: next };
  });
  return states;
}

function closing(ctx: PipelineContext, options: { transient: boolean; hasGate: boolean }): States {
  const { transient, hasGate } = options;
  return {
    ...(transient
      ? {
          [STATE.terminateCluster]: terminate(STATE.succeeded, STATE.terminateAfterFailure),
          [STATE.terminateAfterFailure]: terminate(STATE.notifyFailure, STATE.notifyFailure),
          ...(hasGate ? { [STATE.terminateAfterGate]: terminate(STATE.notifyGateStopped, STATE.notifyFailure) } : {}),
        }
      : {}),
    [STATE.notifyFailure]: notify(ctx, "pipeline failed", STATE.pipelineFailed, STATE.pipelineFailed),
    ...(hasGate
      ? {
          [STATE.notifyGateStopped]: notify(ctx, "quality gate stopped the run", STATE.gateStopped, STATE.pipelineFailed),
          // The execution succeeds (a stop is a decision, not a fault); the output says which gate and why.
          [STATE.gateStopped]: { Type: "Pass", Parameters: { status: "GATE_STOPPED", "verdict.$": `${PATH.gate}.verdict`, "run.$": "$.run" }, End: true },
        }
      : {}),
    [STATE.succeeded]: { Type: "Pass", Result: "SUCCEEDED", ResultPath: "$.status", End: true },
    [STATE.pipelineFailed]: { Type: "Fail", Error: "Pipeline.Failed", Cause: `pipeline ${ctx.pipelineName} failed; the notification carries the error` },
  };
}

export function buildDefinition(pipeline: Pipeline, ctx: PipelineContext): Definition {
  const transient = pipeline.runtime === "transient";
  if (transient && !ctx.runJobFlow) throw new Error(`pipeline ${ctx.pipelineName}: a transient pipeline needs RunJobFlow parameters`);
  if (pipeline.runtime === "cluster" && ctx.clusterId === undefined) throw new Error(`pipeline ${ctx.pipelineName}: a cluster pipeline needs the cluster id`);
  if (pipeline.runtime === "serverless" && !ctx.serverless) throw new Error(`pipeline ${ctx.pipelineName}: a serverless pipeline needs the EMR Serverless application`);
  const targets: Targets = transient
    ? { onFailure: STATE.terminateAfterFailure, onGate: STATE.terminateAfterGate }
    : { onFailure: STATE.notifyFailure, onGate: STATE.notifyGateStopped };
  const firstStep = stepStateName(pipeline.steps[0], 0);
  const afterChecks = transient ? STATE.createCluster : firstStep;
  const checks = preRunChecks(pipeline, ctx, afterChecks);
  const afterBackstop = Object.keys(checks)[0] ?? afterChecks;
  const backstopStates = backstop(pipeline, ctx, afterBackstop);
  const afterDate = Object.keys(backstopStates)[0] ?? afterBackstop;
  return {
    Comment: `${ctx.pipelineName}: ${pipeline.description || "generated from environments/pipelines.ts"}`,
    StartAt: STATE.checkConcurrency,
    TimeoutSeconds: pipeline.timeoutMinutes * 60,
    States: {
      ...preamble(ctx, STATE.dateSource),
      ...dateFragment(pipeline, afterDate),
      ...backstopStates,
      ...checks,
      ...(transient ? clusterStart(ctx, firstStep) : {}),
      ...stepStates(pipeline, ctx, targets, transient ? STATE.terminateCluster : STATE.succeeded),
      ...closing(ctx, { transient, hasGate: pipeline.steps.some((s) => !("parallel" in s) && isGateStep(s)) }),
    },
  };
}

/**
 * Task resources mapped to local actions. EMR cluster tasks are recorded no-ops; addStep runs the step's Args
 * (spark-submit with local Spark, s3-dist-cp as a local copy); an EMR Serverless startJobRun runs the same
 * spark-submit, rebuilt from its SparkSubmit job driver; S3 reads the local buckets and fails with S3's error
 * names; listExecutions sees no other run; SNS messages are recorded and printed. Anything else fails the run with
 * one line naming the state and the resource.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { LocalBuckets, type Written } from "./buckets";
import { type Json, runtimeError, StatesError } from "./errors";
import type { TaskCall } from "./interpreter";
import { s3DistCp } from "./s3-dist-cp";
import type { LocalSpark } from "./spark";

export interface StepRecord {
  /** The Task state's name. */
  readonly state: string;
  /** The EMR step's Name. */
  readonly name: string;
  readonly attempt: number;
  /** The Args as the state machine rendered them (s3:// URIs). */
  readonly args: readonly string[];
  /** What ran locally (paths). */
  readonly command: readonly string[];
  readonly exitCode: number;
  readonly seconds: number;
  readonly written: Written;
  readonly stderrTail: string;
}

export interface Notification {
  readonly topicArn: string;
  readonly subject: string;
  readonly message: string;
}

export interface TaskEvents {
  stepStarted?(state: string, command: readonly string[]): void;
  stepEnded?(record: StepRecord): void;
  note?(line: string): void;
}

/** Error names of the AWS SDK integrations are `<Service>.<Error>` with an `Exception` suffix, e.g.
 *  S3.NoSuchKeyException (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html). */
const NO_SUCH_KEY = "S3.NoSuchKeyException";
const NO_SUCH_BUCKET = "S3.NoSuchBucketException";

/** spark-submit options that take no value; every other `--option` takes the next argument. */
const SPARK_SUBMIT_FLAGS = new Set(["--verbose", "--supervise", "--version", "--help"]);

export interface ParsedSparkSubmit {
  readonly options: Record<string, string[]>;
  readonly entrypoint: string;
  readonly args: string[];
}

export function parseSparkSubmit(argv: readonly string[]): ParsedSparkSubmit {
  const options: Record<string, string[]> = {};
  let i = 1;
  while (i < argv.length && argv[i].startsWith("--")) {
    const name = argv[i];
    const value = SPARK_SUBMIT_FLAGS.has(name) ? "true" : argv[++i];
    (options[name] ??= []).push(value);
    i++;
  }
  if (i >= argv.length) throw new Error("spark-submit without an application (entry point)");
  return { options, entrypoint: argv[i], args: argv.slice(i + 1) };
}

const tail = (text: string, lines = 20): string => text.trimEnd().split("\n").slice(-lines).join("\n");

export class LocalTasks {
  readonly steps: StepRecord[] = [];
  readonly notifications: Notification[] = [];
  readonly clusters: string[] = [];
  private stepCounter = 0;

  constructor(
    private readonly buckets: LocalBuckets,
    private readonly spark: (pyFiles: string) => LocalSpark,
    private readonly events: TaskEvents = {},
  ) {}

  readonly handle = async (call: TaskCall): Promise<Json> => {
    const resource = call.resource.replace(/^arn:aws:states:::/, "");
    const p = (call.parameters ?? {}) as Record<string, Json>;
    switch (resource) {
      case "elasticmapreduce:createCluster.sync":
      case "elasticmapreduce:createCluster": {
        const id = `j-LOCAL${String(this.clusters.length + 1).padStart(4, "0")}`;
        this.clusters.push(id);
        this.events.note?.(`${call.state}: cluster ${id} "${String(p.Name)}" (local: no cluster, jobs run on this machine)`);
        return { ClusterId: id, ClusterArn: `arn:aws:elasticmapreduce:local:000000000000:cluster/${id}` };
      }
      case "elasticmapreduce:terminateCluster.sync":
      case "elasticmapreduce:terminateCluster":
        this.events.note?.(`${call.state}: cluster ${String(p.ClusterId)} terminated (local: nothing to do)`);
        return {};
      case "elasticmapreduce:addStep.sync":
        return this.addStep(call, p);
      case "emr-serverless:startJobRun.sync":
        return this.startJobRun(call, p);
      case "aws-sdk:emr:describeCluster":
        return { Cluster: { Id: p.ClusterId ?? null, Name: "local", Status: { State: "WAITING", StateChangeReason: { Message: "local runner" } } } };
      case "aws-sdk:s3:getObject":
      case "aws-sdk:s3:headObject":
        return this.s3Object(call, p, resource.endsWith("getObject"));
      case "aws-sdk:sfn:listExecutions": {
        const execution = call.context as { Execution: { Id: string; Name: string; StartTime: string }; StateMachine: { Id: string } };
        // A local run is the only run: the one RUNNING execution is this one.
        return { Executions: [{ ExecutionArn: execution.Execution.Id, Name: execution.Execution.Name, StateMachineArn: execution.StateMachine.Id, Status: "RUNNING", StartDate: execution.Execution.StartTime }] };
      }
      case "sns:publish": {
        const n: Notification = { topicArn: String(p.TopicArn), subject: String(p.Subject ?? ""), message: String(p.Message ?? "") };
        this.notifications.push(n);
        this.events.note?.(`${call.state}: SNS "${n.subject}" (local: recorded, not sent)`);
        return { MessageId: `local-${this.notifications.length}` };
      }
      default:
        throw runtimeError(call.state, `the local runner has no action for the resource ${call.resource}`);
    }
  };

  private s3Object(call: TaskCall, p: Record<string, Json>, withBody: boolean): Json {
    const bucket = String(p.Bucket);
    const key = String(p.Key);
    const uri = `s3://${bucket}/${key}`;
    if (!existsSync(this.buckets.path(`s3://${bucket}/`))) throw new StatesError(NO_SUCH_BUCKET, `The specified bucket does not exist (Service: S3, Status Code: 404) [local: ${uri}]`);
    const file = this.buckets.path(uri);
    if (key.endsWith("/") || !existsSync(file) || !statSync(file).isFile()) {
      throw new StatesError(NO_SUCH_KEY, `The specified key does not exist. (Service: S3, Status Code: 404) [local: ${uri}]`);
    }
    const body = readFileSync(file);
    const st = statSync(file);
    const meta = { ContentLength: body.length, ETag: `"${createHash("md5").update(body).digest("hex")}"`, LastModified: st.mtime.toISOString(), ContentType: "application/octet-stream" };
    this.events.note?.(`${call.state}: read ${uri} (${body.length} B)`);
    return withBody ? { ...meta, Body: body.toString("utf8") } : meta;
  }

  private async addStep(call: TaskCall, p: Record<string, Json>): Promise<Json> {
    const step = (p.Step ?? {}) as Record<string, Json>;
    const jar = (step.HadoopJarStep ?? {}) as Record<string, Json>;
    const args = (jar.Args ?? []) as string[];
    const name = String(step.Name ?? call.state);
    if (jar.Jar !== "command-runner.jar") throw runtimeError(call.state, `the local runner runs command-runner.jar steps only, not ${String(jar.Jar)}`);
    const record = await this.runStep(call, name, args);
    const id = `s-LOCAL${String(++this.stepCounter).padStart(6, "0")}`;
    if (record.exitCode === 0) return { Step: { Id: id, Name: name, Status: { State: "COMPLETED" } } };
    // Shaped like the DescribeStep JSON Step Functions puts in the Cause of a failed addStep.sync; the exit code is
    // a local extra (EMR reports none: https://docs.aws.amazon.com/emr/latest/APIReference/API_StepStateChangeReason.html).
    const cause = {
      Step: { Id: id, Name: name, ActionOnFailure: step.ActionOnFailure ?? null, Config: { Jar: "command-runner.jar", Args: args }, Status: { State: "FAILED", FailureDetails: { Reason: "Step failed on the local runner", Message: record.stderrTail } } },
      LocalExitCode: record.exitCode,
    };
    throw new StatesError("States.TaskFailed", JSON.stringify(cause));
  }

  /**
   * An EMR Serverless job run as the spark-submit the cluster step runs: `spark-submit <SparkSubmitParameters>
   * <EntryPoint> <EntryPointArguments…>` (StartJobRun's SparkSubmit job driver,
   * https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_SparkSubmit.html), so both runtimes run the
   * same code with the same arguments on local Spark.
   */
  private async startJobRun(call: TaskCall, p: Record<string, Json>): Promise<Json> {
    const driver = ((p.JobDriver ?? {}) as Record<string, Json>).SparkSubmit as Record<string, Json> | undefined;
    if (!driver || typeof driver.EntryPoint !== "string") throw runtimeError(call.state, "the local runner runs SparkSubmit job drivers with an EntryPoint only");
    const parameters = typeof driver.SparkSubmitParameters === "string" ? driver.SparkSubmitParameters.split(/\s+/).filter((t) => t !== "") : [];
    const args = ["spark-submit", ...parameters, driver.EntryPoint, ...((driver.EntryPointArguments ?? []) as string[])];
    const name = String(p.Name ?? call.state);
    const record = await this.runStep(call, name, args);
    const id = `local${String(++this.stepCounter).padStart(12, "0")}`;
    const run = { ApplicationId: String(p.ApplicationId ?? ""), JobRunId: id, Name: name };
    if (record.exitCode === 0) return { ...run, State: "SUCCESS" };
    // A failed job run fails the Task with the run's state and details, as a failed addStep.sync does with its step's.
    throw new StatesError("States.TaskFailed", JSON.stringify({ ...run, State: "FAILED", StateDetails: record.stderrTail, LocalExitCode: record.exitCode }));
  }

  /** Runs a step's argv (spark-submit with local Spark, or s3-dist-cp) and records it. */
  private async runStep(call: TaskCall, name: string, args: string[]): Promise<StepRecord> {
    const before = this.buckets.list();
    let command: string[];
    let outcome: { exitCode: number; stderr: string; stdout?: string; seconds: number };
    const started = Date.now();
    if (args[0] === "spark-submit") {
      const parsed = parseSparkSubmit(args);
      const pyFiles = parsed.options["--py-files"]?.[0] ?? "";
      const entrypoint = LocalBuckets.isUri(parsed.entrypoint) ? this.buckets.path(parsed.entrypoint) : parsed.entrypoint;
      const jobArgs = this.buckets.localArgs(parsed.args);
      command = ["spark-submit", ...Object.entries(parsed.options).flatMap(([k, vs]) => vs.flatMap((v) => [k, v])), entrypoint, ...jobArgs];
      this.events.stepStarted?.(call.state, command);
      if (!existsSync(entrypoint)) outcome = { exitCode: 1, stderr: `spark-submit: entry point ${parsed.entrypoint} not found (local: ${entrypoint})`, seconds: 0 };
      else outcome = await this.spark(LocalBuckets.isUri(pyFiles) ? this.buckets.path(pyFiles) : pyFiles).run({ entrypoint, args: jobArgs });
    } else if (args[0] === "s3-dist-cp") {
      command = ["s3-dist-cp", ...this.buckets.localArgs(args.slice(1))];
      this.events.stepStarted?.(call.state, args);
      const result = s3DistCp(args.slice(1), this.buckets);
      outcome = { exitCode: result.exitCode, stderr: result.stderr || `copied ${result.copied} files, ${result.bytes} B`, seconds: (Date.now() - started) / 1000 };
    } else {
      throw runtimeError(call.state, `the local runner runs spark-submit and s3-dist-cp steps, not ${JSON.stringify(args[0] ?? "")}`);
    }
    const record: StepRecord = {
      state: call.state,
      name,
      attempt: call.attempt,
      args,
      command,
      exitCode: outcome.exitCode,
      seconds: outcome.seconds,
      written: this.buckets.written(before, this.buckets.list()),
      // A job that reports its reason on stdout (a gate's verdict line) leaves stderr empty: show what there is.
      stderrTail: tail(outcome.stderr.trim() ? outcome.stderr : (outcome.stdout ?? "")),
    };
    this.steps.push(record);
    this.events.stepEnded?.(record);
    return record;
  }
}

/**
 * The environment's pipelines: one PipelineStateMachine per enabled pipeline (pipeline-state-machine.ts), and what
 * they share: S3 → EventBridge notifications on the data bucket, the rule that reports TIMED_OUT and ABORTED
 * executions, the alarms on the schedule group's delivery failures, the non-data inputs the steps read from the
 * artifacts bucket, and the topic policy's grant to all of their alarms.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { Pipeline } from "../../environments";
import { ConfigError } from "../../environments/errors";
import type { AccountContext } from "../core/account-context";
import type { ClusterReferences } from "../emr-cluster/cluster-spec";
import type { ServerlessTarget } from "../serverless/target";
import { artifactObjects, type Definition } from "./asl-builder";
import { alarm, PipelineStateMachine, SCHEDULE_GROUP, type PipelineBuckets, type PipelineOutput, type PipelinesConfig } from "./pipeline-state-machine";

export { stepNames, terraformSafe, type PipelineOutput } from "./pipeline-state-machine";

/** What the pipelines need of the platform topic's policy. */
export interface TopicAccess {
  /** Lets an EventBridge rule publish to the topic. */
  allowEventRule(sid: string, ruleArn: string): void;
  /** Lets CloudWatch alarms publish to the topic. */
  allowAlarms(sid: string, alarmArns: string[]): void;
}

export interface PlatformPipelinesProps {
  readonly config: PipelinesConfig;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly account: AccountContext;
  readonly pipelines: Readonly<Record<string, Pipeline>>;
  readonly cluster: { readonly references: ClusterReferences; readonly clusterId: string };
  readonly ec2RoleArn: string;
  readonly buckets: PipelineBuckets;
  readonly kmsKeyArn: string;
  readonly topicArn: string;
  readonly topicAccess: TopicAccess;
  /** The environment's EMR Serverless application, when it enables one. @default none: no pipeline may run on serverless */
  readonly serverless?: ServerlessTarget;
  /** Where `spark-jobs/` is. @default the repository this file is in */
  readonly projectRoot?: string;
}

export interface PipelineResources {
  readonly stateMachine: PipelineStateMachine["stateMachine"];
  readonly definition: Definition;
  readonly role: PipelineStateMachine["role"];
  readonly output: PipelineOutput;
}

/**
 * AWS/Scheduler failure metrics. Their only dimension is ScheduleGroup
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html), so they are alarmed once per
 * group. TargetErrorCount counts failed target calls, including a role the scheduler cannot assume; the dead-letter
 * queue's alarm cannot see that case, because the scheduler writes dead letters with that same role.
 */
export const SCHEDULER_FAILURE_METRICS = {
  TargetErrorCount: "a scheduled start failed at its target (e.g. the execution role could not be assumed)",
  InvocationDroppedCount: "a scheduled start was dropped after its retries",
  InvocationsFailedToBeSentToDeadLetterCount: "a failed scheduled start could not be dead-lettered either",
} as const;

/** `s3://{artifacts_bucket}/jobs/<rel>` in a step argument: a file of this repository, `spark-jobs/<rel>`. */
const ARTIFACT_ARGUMENT = /^s3:\/\/\{artifacts_bucket\}\/jobs\/(.+)$/;

/** Every repository file the pipelines' steps read from the artifacts bucket, as paths relative to `jobs/`. */
export function artifactInputs(pipelines: Readonly<Record<string, Pipeline>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, pipeline] of Object.entries(pipelines)) {
    // The same objects the definition's pre-run checks look for (artifactObjects), those that are repository files.
    for (const uri of artifactObjects(pipeline)) {
      const rel = ARTIFACT_ARGUMENT.exec(uri)?.[1];
      if (rel === undefined || rel.includes("{")) continue;
      out.set(rel, [...(out.get(rel) ?? []), name]);
    }
  }
  return out;
}

export class PlatformPipelines extends Construct {
  readonly pipelines: Readonly<Record<string, PipelineResources>>;
  readonly machines: Readonly<Record<string, PipelineStateMachine>>;
  readonly statusRule?: CloudwatchEventRule;
  /** The non-data inputs the steps read, keyed by their key in the artifacts bucket. */
  readonly artifacts: Readonly<Record<string, S3Object>>;
  readonly alarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: PlatformPipelinesProps) {
    super(scope, id);
    const { config, name } = props;
    const enabled = Object.entries(props.pipelines).filter(([p]) => config.pipelines[p] !== undefined);
    if (enabled.some(([p, pipeline]) => pipeline.trigger && config.pipelines[p].trigger)) {
      // S3 → EventBridge for the data bucket (one notification resource per bucket; the rules filter by key).
      new S3BucketNotification(this, "data-bucket-events", { bucket: props.buckets.data.bucketName, eventbridge: true });
    }

    const machines: Record<string, PipelineStateMachine> = {};
    for (const [pipelineName, pipeline] of enabled) {
      // The id is the pipeline's kebab name, as before the per-pipeline construct: resource addresses stay put.
      machines[pipelineName] = new PipelineStateMachine(this, pipelineName.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase(), {
        config,
        name,
        account: props.account,
        pipelineName,
        pipeline,
        env: config.pipelines[pipelineName],
        cluster: props.cluster,
        ec2RoleArn: props.ec2RoleArn,
        buckets: props.buckets,
        kmsKeyArn: props.kmsKeyArn,
        topicArn: props.topicArn,
        serverless: props.serverless,
      });
    }
    this.machines = machines;
    this.pipelines = Object.fromEntries(
      Object.entries(machines).map(([p, m]) => [p, { stateMachine: m.stateMachine, definition: m.definition, role: m.role, output: m.output }]),
    );
    this.artifacts = this.deployArtifacts(props, Object.fromEntries(enabled));

    const alarms: CloudwatchMetricAlarm[] = Object.values(machines).flatMap((m) => m.alarms);
    const arns = Object.values(machines).map((m) => m.stateMachine.arn);
    if (arns.length > 0 && config.alarms.enabled) {
      // FAILED is left out: the state machine's NotifyFailure and the ExecutionsFailed alarm already report it. A
      // TIMED_OUT or ABORTED execution runs no state of its own, so only this rule reports it.
      this.statusRule = new CloudwatchEventRule(this, "execution-status", {
        name: `${name}-pipeline-failed`,
        description: "A pipeline execution timed out or was aborted",
        eventPattern: JSON.stringify({
          source: ["aws.states"],
          "detail-type": ["Step Functions Execution Status Change"],
          detail: { status: ["TIMED_OUT", "ABORTED"], stateMachineArn: arns },
        }),
      });
      new CloudwatchEventTarget(this, "execution-status-target", { rule: this.statusRule.name, targetId: "alarm-topic", arn: props.topicArn });
      props.topicAccess.allowEventRule("AllowPipelineStatusRule", this.statusRule.arn);
    }
    if (config.alarms.enabled && Object.values(machines).some((m) => m.schedule)) {
      for (const [metric, description] of Object.entries(SCHEDULER_FAILURE_METRICS)) {
        alarms.push(
          alarm(this, `scheduler-${metric}`, {
            alarmName: `${name}-scheduler-${metric}`,
            alarmDescription: `Schedule group ${SCHEDULE_GROUP}: ${description}`,
            namespace: "AWS/Scheduler",
            metricName: metric,
            dimensions: { ScheduleGroup: SCHEDULE_GROUP },
            alarmActions: [props.topicArn],
          }),
        );
      }
    }
    this.alarms = alarms;
    if (alarms.length > 0) props.topicAccess.allowAlarms("AllowPipelineAlarms", alarms.map((a) => a.arn));
  }

  /**
   * One `aws_s3_object` per `s3://{artifacts_bucket}/jobs/<rel>` step argument: the repository's `spark-jobs/<rel>`,
   * encrypted with the platform key, replaced when its content changes (source_hash).
   */
  private deployArtifacts(props: PlatformPipelinesProps, pipelines: Readonly<Record<string, Pipeline>>): Record<string, S3Object> {
    const root = props.projectRoot ?? resolve(__dirname, "..", "..");
    const out: Record<string, S3Object> = {};
    const missing: string[] = [];
    for (const [rel, users] of artifactInputs(pipelines)) {
      const source = resolve(root, "spark-jobs", rel);
      if (!existsSync(source)) {
        missing.push(`pipelines ${users.join(", ")} read s3://{artifacts_bucket}/jobs/${rel}, but spark-jobs/${rel} does not exist; fix: add the file, or correct the argument`);
        continue;
      }
      const key = `jobs/${rel}`;
      out[key] = new S3Object(this, `artifact-${rel.replace(/[^A-Za-z0-9_-]/g, "-")}`, {
        bucket: props.buckets.artifacts.bucketName,
        key,
        // Relative to the stack's directory (cdktf.out/stacks/<stack>/), where terraform runs, as the local backend's
        // path is: an absolute path would make every checkout's plan show the object as changed.
        source: `../../../spark-jobs/${rel}`,
        // An MD5 of the content, like filemd5(): a changed file is uploaded again (etag is no MD5 under SSE-KMS).
        sourceHash: createHash("md5").update(readFileSync(source)).digest("hex"),
        kmsKeyId: props.kmsKeyArn,
        serverSideEncryption: "aws:kms",
      });
    }
    if (missing.length) throw new ConfigError(missing.join("\n"), missing);
    return out;
  }
}

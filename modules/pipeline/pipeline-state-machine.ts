/**
 * One pipeline: its state machine (definition from asl-builder.ts, role derived from it by role-derivation.ts), the
 * KMS-encrypted execution log group, the EventBridge Scheduler schedule with retries and a dead-letter queue, the
 * S3-arrival rule with retries and a dead-letter queue, and the alarms on all of them.
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Token } from "cdktf";
import type { EnvironmentConfig, EnvironmentPipeline, Pipeline } from "../../environments";
import type { AccountContext } from "../core/account-context";
import { PolicyStatements } from "../core/policy-statements";
import { terraformLiteral } from "../../contracts/terraform-literal";
import { buildClusterSpec, type ClusterReferences, type ClusterSpecConfig } from "../emr-cluster/cluster-spec";
import { CODE_MANIFEST_KEY } from "../../contracts/step-functions";
import { PREFIXES } from "../../contracts/stack-outputs";
import type { ServerlessTarget } from "../serverless/target";
import { stepName } from "../../environments/pipelines";
import { buildDefinition, type Definition, type ServerlessJobTarget } from "./asl-builder";
import { deriveRoleStatements } from "./role-derivation";
import { renderRunJobFlow, type Json } from "./run-job-flow";

/** What the pipelines read of the environment's config. */
export type PipelinesConfig = Pick<EnvironmentConfig, "name" | "project" | "owner" | "tags" | "alarms" | "logging" | "pipelines"> & ClusterSpecConfig;

export interface PipelineBuckets {
  readonly data: { readonly bucketName: string; readonly arn: string };
  readonly artifacts: { readonly bucketName: string; readonly arn: string };
  readonly logs: { readonly bucketName: string };
}

export interface PipelineStateMachineProps {
  readonly config: PipelinesConfig;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly account: AccountContext;
  readonly pipelineName: string;
  readonly pipeline: Pipeline;
  /** What the environment says about this pipeline (schedule on/off, trigger on/off, capacity). */
  readonly env: EnvironmentPipeline;
  readonly cluster: { readonly references: ClusterReferences; readonly clusterId: string };
  /** The role inside the cluster's instance profile (CreateCluster names the profile; PassRole names the role). */
  readonly ec2RoleArn: string;
  readonly buckets: PipelineBuckets;
  readonly kmsKeyArn: string;
  readonly topicArn: string;
  /** The environment's EMR Serverless application (a serverless pipeline's job runs go there). @default none */
  readonly serverless?: ServerlessTarget;
}

/** What the stack exports per pipeline (the `pipelines` output, read by `npm run emr -- pipeline`). */
export interface PipelineOutput {
  readonly stateMachineArn: string;
  readonly runtime: Pipeline["runtime"];
  readonly schedule: { readonly cron: string; readonly timezone: string } | null;
  readonly trigger: { readonly prefix: string; readonly marker: string } | null;
  readonly steps: readonly string[];
  /** Where scheduled runs read the code keys from: s3://<artifacts>/jobs/pipeline-code.json. */
  readonly codeManifest: string;
}

/**
 * The schedule group every schedule of this platform is in. EventBridge Scheduler presents the *group's* ARN as
 * aws:SourceArn when it assumes the execution role, and the condition must not name a schedule
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html).
 */
export const SCHEDULE_GROUP = "default";

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/** Escapes `${` and `%{` in plain strings for Terraform; CDKTF tokens (resource references) pass through. */
export function terraformSafe(value: Json): Json {
  if (typeof value === "string") return Token.isUnresolved(value) ? value : terraformLiteral(value);
  if (Array.isArray(value)) return value.map(terraformSafe);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terraformSafe(v)]));
  return value;
}

/** The steps of a pipeline by name, parallel groups as "a | b". */
export function stepNames(pipeline: Pipeline): string[] {
  return pipeline.steps.map((s) => ("parallel" in s ? s.parallel.map(stepName).join(" | ") : stepName(s)));
}

/** A role trusted by one AWS service, only on behalf of this account and the given source. */
export function serviceTrust(scope: Construct, id: string, service: string, accountId: string, source: { test: "ArnLike" | "ArnEquals"; arn: string }): PolicyStatements {
  return new PolicyStatements(scope, id, [
    {
      sid: "AssumeRole",
      principals: [{ type: "Service", identifiers: [service] }],
      actions: ["sts:AssumeRole"],
      condition: [
        { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
        { test: source.test, variable: "aws:SourceArn", values: [source.arn] },
      ],
    },
  ]);
}

/** Alarm defaults: one datum in five minutes is enough, no data is fine. */
export function alarm(scope: Construct, id: string, config: Omit<CloudwatchMetricAlarmConfig, "statistic" | "comparisonOperator" | "threshold" | "period" | "evaluationPeriods" | "treatMissingData"> & Partial<CloudwatchMetricAlarmConfig>): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    statistic: "Sum",
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    period: 300,
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    ...config,
  });
}

/**
 * A serverless pipeline's job runs: the application and job role, and their logs under the logs bucket's
 * serverlessLogs prefix, where the application's own monitoring configuration sends them too.
 */
function serverlessJobTarget(pipelineName: string, props: PipelineStateMachineProps): ServerlessJobTarget {
  // environments/checks.ts refuses a serverless pipeline without serverless.enabled; this guards the construct's props.
  if (!props.serverless) throw new Error(`pipeline ${pipelineName} runs on EMR Serverless, but the stack passed no application; fix: serverless.enabled in the environment`);
  return {
    applicationId: props.serverless.applicationId,
    executionRoleArn: props.serverless.runtimeRoleArn,
    logUri: `s3://${props.buckets.logs.bucketName}/${PREFIXES.serverlessLogs}`,
  };
}

export class PipelineStateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly definition: Definition;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly schedule?: SchedulerSchedule;
  readonly arrivalRule?: CloudwatchEventRule;
  /** Every alarm of this pipeline; all publish to the platform topic, whose policy must allow each. */
  readonly alarms: CloudwatchMetricAlarm[] = [];
  readonly output: PipelineOutput;

  private readonly props: PipelineStateMachineProps;
  private readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: PipelineStateMachineProps) {
    super(scope, id);
    this.props = props;
    const { config, account, pipeline, pipelineName, env } = props;
    const stateMachineName = `${props.name}-${kebab(pipelineName)}`;
    this.stateMachineName = stateMachineName;
    const stateMachineArn = `arn:${account.partition}:states:${account.region}:${account.accountId}:stateMachine:${stateMachineName}`;
    const references = props.cluster.references;
    const runJobFlow =
      pipeline.runtime === "transient"
        ? renderRunJobFlow(
            buildClusterSpec(config, references, {
              name: stateMachineName,
              coreCount: env.capacity.coreCount,
              taskCount: env.capacity.taskCount,
              coreInstanceType: env.capacity.coreInstanceType,
              idleTimeoutSeconds: pipeline.idleTimeoutMinutes * 60,
              terminationProtection: false,
            }),
            { Environment: config.name, Project: config.project, Owner: config.owner, ManagedBy: "cdktf", ...config.tags, Pipeline: pipelineName },
          )
        : undefined;
    this.definition = buildDefinition(pipeline, {
      pipelineName,
      stateMachineName,
      environment: config.name,
      topicArn: props.topicArn,
      buckets: { data_bucket: props.buckets.data.bucketName, artifacts_bucket: props.buckets.artifacts.bucketName, logs_bucket: props.buckets.logs.bucketName },
      runJobFlow,
      clusterId: pipeline.runtime === "cluster" ? props.cluster.clusterId : undefined,
      serverless: pipeline.runtime === "serverless" ? serverlessJobTarget(pipelineName, props) : undefined,
    });

    this.role = new IamRole(this, "role", {
      name: `${stateMachineName}-sfn`,
      description: `Step Functions role of pipeline ${pipelineName}, derived from its definition`,
      assumeRolePolicy: serviceTrust(this, "trust", "states.amazonaws.com", account.accountId, { test: "ArnLike", arn: stateMachineArn }).json,
    });
    const statements = deriveRoleStatements(this.definition, {
      partition: account.partition,
      region: account.region,
      accountId: account.accountId,
      stateMachineArn,
      instanceProfileRoles: { [references.instanceProfileName]: props.ec2RoleArn },
      kmsKeyArn: props.kmsKeyArn,
    });
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      name: "derived-from-definition",
      role: this.role.name,
      policy: new PolicyStatements(this, "role-policy-document", statements).json,
    });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/vendedlogs/states/${stateMachineName}`,
      retentionInDays: config.logging.retentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: stateMachineName,
      type: "STANDARD",
      roleArn: this.role.arn,
      definition: JSON.stringify(terraformSafe(this.definition as unknown as Json)),
      loggingConfiguration: { logDestination: `${this.logGroup.arn}:*`, includeExecutionData: true, level: "ALL" },
      tracingConfiguration: { enabled: true },
      dependsOn: [rolePolicy],
    });

    const schedule = pipeline.schedule && env.schedule ? pipeline.schedule : undefined;
    const trigger = pipeline.trigger && env.trigger ? pipeline.trigger : undefined;
    if (schedule) this.schedule = this.addSchedule(schedule);
    if (trigger) this.arrivalRule = this.addArrival(trigger);
    if (config.alarms.enabled) {
      for (const [metric, what] of [["ExecutionsFailed", "failed"], ["ExecutionsTimedOut", "timed out"]] as const) {
        this.alarms.push(
          alarm(this, `alarm-${metric}`, {
            alarmName: `${stateMachineName}-${metric}`,
            alarmDescription: `An execution of pipeline ${pipelineName} ${what}`,
            namespace: "AWS/States",
            metricName: metric,
            dimensions: { StateMachineArn: this.stateMachine.arn },
            alarmActions: [props.topicArn],
          }),
        );
      }
    }
    this.output = {
      stateMachineArn: this.stateMachine.arn,
      runtime: pipeline.runtime,
      schedule: schedule ?? null,
      trigger: trigger ?? null,
      steps: stepNames(pipeline),
      codeManifest: `s3://${props.buckets.artifacts.bucketName}/${CODE_MANIFEST_KEY}`,
    };
  }

  /** An encrypted queue for starts that failed after every retry, alarmed when it holds anything. */
  private deadLetterQueue(id: string, purpose: string): SqsQueue {
    const queue = new SqsQueue(this, id, {
      name: `${this.stateMachineName}-${id}`,
      kmsMasterKeyId: this.props.kmsKeyArn,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    if (this.props.config.alarms.enabled) {
      this.alarms.push(
        alarm(this, id === "schedule-dlq" ? "alarm-dlq" : `alarm-${id}`, {
          alarmName: `${this.stateMachineName}-${id}`,
          alarmDescription: `A ${purpose} start of ${this.stateMachineName} was dead-lettered`,
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: queue.name },
          statistic: "Maximum",
          comparisonOperator: "GreaterThanThreshold",
          threshold: 0,
          alarmActions: [this.props.topicArn],
        }),
      );
    }
    return queue;
  }

  /** A role the scheduler or EventBridge assumes to start exactly this state machine. */
  private starterRole(id: string, service: string, source: { test: "ArnLike" | "ArnEquals"; arn: string }, dlqArn?: string): IamRole {
    const { props } = this;
    const role = new IamRole(this, id, {
      name: `${this.stateMachine.name}-${id}`,
      description: `Lets ${service} start ${this.stateMachine.name}`,
      assumeRolePolicy: serviceTrust(this, `${id}-trust`, service, props.account.accountId, source).json,
    });
    const statements = new PolicyStatements(this, `${id}-policy-document`, [
      { sid: "StartPipeline", actions: ["states:StartExecution"], resources: [this.stateMachine.arn] },
      ...(dlqArn
        ? [
            { sid: "DeadLetters", actions: ["sqs:SendMessage"], resources: [dlqArn] },
            { sid: "DeadLetterKey", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [props.kmsKeyArn] },
          ]
        : []),
    ]);
    new IamRolePolicy(this, `${id}-policy`, { name: "start-pipeline", role: role.name, policy: statements.json });
    return role;
  }

  private addSchedule(schedule: NonNullable<Pipeline["schedule"]>): SchedulerSchedule {
    const { props } = this;
    // The scheduler sends dead letters with the execution role (configuring-schedule-dlq.html), so the role needs the queue.
    const dlq = this.deadLetterQueue("schedule-dlq", "scheduled");
    const groupArn = `arn:${props.account.partition}:scheduler:${props.account.region}:${props.account.accountId}:schedule-group/${SCHEDULE_GROUP}`;
    const role = this.starterRole("scheduler", "scheduler.amazonaws.com", { test: "ArnEquals", arn: groupArn }, dlq.arn);
    return new SchedulerSchedule(this, "schedule", {
      name: this.stateMachineName,
      groupName: SCHEDULE_GROUP,
      description: `Runs pipeline ${this.stateMachineName}`,
      scheduleExpression: `cron(${schedule.cron})`,
      scheduleExpressionTimezone: schedule.timezone,
      flexibleTimeWindow: { mode: "OFF" },
      kmsKeyArn: props.kmsKeyArn,
      target: {
        arn: this.stateMachine.arn,
        roleArn: role.arn,
        // No date: the run's logical date is the scheduled time's date minus logicalDateOffsetDays. Scheduler fills in the
        // context attribute (EventBridge Scheduler User Guide, "Adding context attributes"), so a retry after midnight
        // still processes the right day.
        input: JSON.stringify({ source: "schedule", scheduledTime: "<aws.scheduler.scheduled-time>" }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: dlq.arn },
      },
    });
  }

  private addArrival(trigger: NonNullable<Pipeline["trigger"]>): CloudwatchEventRule {
    const { props } = this;
    const ruleName = `${this.stateMachineName}-arrival`;
    const rule = new CloudwatchEventRule(this, "arrival-rule", {
      name: ruleName,
      description: `Starts ${this.stateMachineName} when ${trigger.prefix}…/${trigger.marker} lands in the data bucket`,
      eventPattern: JSON.stringify({
        source: ["aws.s3"],
        "detail-type": ["Object Created"],
        detail: {
          bucket: { name: [props.buckets.data.bucketName] },
          // EventBridge wildcard matching: the marker anywhere under the prefix.
          object: { key: [{ wildcard: `${trigger.prefix}*${trigger.marker}` }] },
        },
      }),
    });
    const role = this.starterRole("arrival", "events.amazonaws.com", { test: "ArnLike", arn: rule.arn });
    // A rule target's dead-letter queue is written by EventBridge itself, so the queue policy (not the target's role)
    // allows it, scoped to this rule; the platform key lets events.amazonaws.com encrypt
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
    const dlq = this.deadLetterQueue("arrival-dlq", "data-arrival");
    new SqsQueuePolicy(this, "arrival-dlq-policy", {
      queueUrl: dlq.url,
      policy: new PolicyStatements(this, "arrival-dlq-policy-document", [
        {
          sid: "RuleDeadLetters",
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          actions: ["sqs:SendMessage"],
          resources: [dlq.arn],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [rule.arn] }],
        },
      ]).json,
    });
    new CloudwatchEventTarget(this, "arrival-target", {
      rule: rule.name,
      targetId: "pipeline",
      arn: this.stateMachine.arn,
      roleArn: role.arn,
      // A marker is a day's only start signal: retry for an hour, then keep it in the queue (EventBridge's default
      // would retry for 24 hours and then drop it).
      retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: dlq.arn },
      // No date: the run's date is the key's segment after the prefix. The event time is when the marker was
      // written, which for a late or replayed marker is another day (S3 EventBridge message structure, `time`).
      inputTransformer: {
        inputPaths: { bucket: "$.detail.bucket.name", key: "$.detail.object.key" },
        inputTemplate: '{"source": "arrival", "bucket": <bucket>, "key": <key>}',
      },
    });
    if (props.config.alarms.enabled) {
      // AWS/Events FailedInvocations per rule (dimension RuleName, default bus): a target that failed permanently,
      // e.g. a role EventBridge cannot assume (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).
      this.alarms.push(
        alarm(this, "alarm-arrival-FailedInvocations", {
          alarmName: `${ruleName}-FailedInvocations`,
          alarmDescription: `A data arrival could not start ${this.stateMachineName}`,
          namespace: "AWS/Events",
          metricName: "FailedInvocations",
          dimensions: { RuleName: rule.name },
          alarmActions: [props.topicArn],
        }),
      );
    }
    return rule;
  }
}

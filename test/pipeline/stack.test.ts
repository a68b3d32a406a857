/**
 * What an environment that enables pipelines synthesizes around each state machine: the `pipelines` output (the
 * CLI's contract), logging and tracing, the schedule with its dead-letter queue, the S3-arrival rule, alarms, the
 * status rule and the topic policy that lets it publish.
 */
import { Testing } from "cdktf";
import { loadEnvironment } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";

const staging = JSON.parse(Testing.synth(new EmrPlatformStack(Testing.app(), "emr-staging", loadEnvironment("staging")))) as any;
const local = JSON.parse(Testing.synth(new EmrPlatformStack(Testing.app(), "emr-local", loadEnvironment("local")))) as any;
/** How many pipelines staging enables: one state machine, two alarms and one status-rule ARN each. */
const STAGING_PIPELINES = Object.keys(loadEnvironment("staging").pipelines).length;
const all = (json: any, type: string): any[] => Object.values(json.resource[type] ?? {});
const one = (json: any, type: string, suffix: string) => {
  const found = Object.entries<any>(json.resource[type] ?? {}).filter(([id]) => id.includes(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${suffix}, found ${found.map(([id]) => id).join(", ") || "none"}`);
  return found[0][1];
};

test("the pipelines output maps each enabled pipeline to its state machine, runtime, schedule, trigger and steps", () => {
  const value = String(staging.output.pipelines.value);
  expect(value).toMatch(/^\$\{jsonencode\(\{"financialDaily" = \{"stateMachineArn" = aws_sfn_state_machine\.[^.]+financial-daily[^.]+\.arn, "runtime" = "transient", "schedule" = \{"cron" = "0 2 \* \* \? \*", "timezone" = "Europe\/London", "logicalDateOffsetDays" = 1, "skipWhenExists" = "s3:\/\/\{data_bucket\}\/processed\/financial\/_runs\/date=\{date\}\/_metrics.json"\}, "trigger" = \{"prefix" = "raw\/ohlcv\/", "marker" = "_SUCCESS"\}, "steps" = \["quality_gate", "process", "archive"\]/);
  expect(value).toContain('"smokeNightly" = {"stateMachineArn" = aws_sfn_state_machine.');
  expect(String(local.output.pipelines.value)).toContain('"schedule" = null, "trigger" = null');
});

test("state machines: STANDARD, logging ALL to a KMS log group with the configured retention, X-Ray on", () => {
  const machines = all(staging, "aws_sfn_state_machine");
  expect(STAGING_PIPELINES).toBeGreaterThan(1);
  expect(machines).toHaveLength(STAGING_PIPELINES);
  for (const sm of machines) {
    expect(sm.type).toBe("STANDARD");
    expect(sm.logging_configuration).toMatchObject({ level: "ALL", include_execution_data: true });
    expect(sm.logging_configuration.log_destination).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.arn\}:\*$/);
    expect(sm.tracing_configuration).toEqual({ enabled: true });
  }
  for (const group of all(staging, "aws_cloudwatch_log_group").filter((g) => String(g.name).startsWith("/aws/vendedlogs/states/"))) {
    expect(group.retention_in_days).toBe(30);
    expect(group.kms_key_id).toMatch(/aws_kms_key/);
  }
});

test("the schedule has its timezone, a retry policy and an encrypted dead-letter queue, and the DLQ is alarmed", () => {
  const schedule = one(staging, "aws_scheduler_schedule", "financial-daily");
  expect(schedule.schedule_expression).toBe("cron(0 2 * * ? *)");
  expect(schedule.schedule_expression_timezone).toBe("Europe/London");
  expect(schedule.target.retry_policy).toEqual({ maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 });
  expect(schedule.target.dead_letter_config.arn).toMatch(/aws_sqs_queue\..+financial-daily.+\.arn/);
  expect(one(staging, "aws_sqs_queue", "financial-daily").kms_master_key_id).toMatch(/aws_kms_key/);
  expect(one(staging, "aws_cloudwatch_metric_alarm", "financial-daily_alarm-dlq")).toMatchObject({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", threshold: 0 });
  // local turns the schedule off: no schedule, no queue.
  expect(local.resource.aws_scheduler_schedule).toBeUndefined();
});

test("S3 arrival: EventBridge notifications on the data bucket, a wildcard rule on the marker, an input transformer", () => {
  expect(all(staging, "aws_s3_bucket_notification")).toEqual([expect.objectContaining({ eventbridge: true, bucket: expect.stringMatching(/storage_data/) })]);
  const rule = one(staging, "aws_cloudwatch_event_rule", "financial-daily_arrival-rule");
  expect(JSON.parse(rule.event_pattern).detail.object.key).toEqual([{ wildcard: "raw/ohlcv/*_SUCCESS" }]);
  const target = one(staging, "aws_cloudwatch_event_target", "financial-daily_arrival-target");
  expect(target.input_transformer.input_paths).toEqual({ bucket: "$.detail.bucket.name", key: "$.detail.object.key", time: "$.time" });
  expect(JSON.parse(target.input_transformer.input_template.replace(/<(\w+)>/g, '"$1"'))).toEqual({ source: "arrival", bucket: "bucket", key: "key", date: "time" });
  // local disables the trigger: no notification resource.
  expect(local.resource.aws_s3_bucket_notification).toBeUndefined();
});

test("alarms on failed and timed-out executions per state machine; one status rule to the topic, allowed by its policy", () => {
  const alarms = all(staging, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/States");
  const perMachine = (metric: string) => Array<string>(STAGING_PIPELINES).fill(metric);
  expect(alarms.map((a) => a.metric_name).sort()).toEqual([...perMachine("ExecutionsFailed"), ...perMachine("ExecutionsTimedOut")]);
  const rule = one(staging, "aws_cloudwatch_event_rule", "execution-status");
  const pattern = JSON.parse(rule.event_pattern);
  expect(pattern.detail.status).toEqual(["FAILED", "TIMED_OUT", "ABORTED"]);
  expect(pattern.detail.stateMachineArn).toHaveLength(STAGING_PIPELINES);
  const topicPolicy = Object.entries<any>(staging.data.aws_iam_policy_document).find(([id]) => id.includes("topic-policy-document"))?.[1];
  const allow = topicPolicy.statement.find((s: any) => s.sid === "AllowPipelineStatusRule");
  expect(allow.condition[0].values).toEqual([expect.stringMatching(/aws_cloudwatch_event_rule\..*execution-status.*\.arn/)]);
});

test("the state-machine role trusts Step Functions for this state machine only", () => {
  const trust = Object.entries<any>(staging.data.aws_iam_policy_document).find(([id]) => id.includes("financial-daily_trust"))?.[1];
  const conditions = Object.fromEntries(trust.statement[0].condition.map((c: any) => [c.variable, c.values]));
  expect(trust.statement[0].principals).toEqual([{ type: "Service", identifiers: ["states.amazonaws.com"] }]);
  expect(conditions["aws:SourceArn"]).toEqual([expect.stringMatching(/:stateMachine:emr-platform-staging-financial-daily$/)]);
});

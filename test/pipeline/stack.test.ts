/**
 * What an environment that enables pipelines synthesizes around each state machine: the `pipelines` output (the
 * CLI's contract), logging and tracing, the schedule with its dead-letter queue, the S3-arrival rule, alarms, the
 * status rule and the topic policy that lets it publish.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Testing } from "cdktf";
import { loadEnvironment, loadPipelines } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { artifactInputs, PlatformPipelines, SCHEDULER_FAILURE_METRICS } from "../../modules/pipeline/platform-pipelines";
import { AccountContext } from "../../modules/core/account-context";

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
  expect(one(staging, "aws_sqs_queue", "financial-daily_schedule-dlq").kms_master_key_id).toMatch(/aws_kms_key/);
  expect(one(staging, "aws_cloudwatch_metric_alarm", "financial-daily_alarm-dlq")).toMatchObject({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", threshold: 0 });
  // local turns the schedule off: no schedule, no queue.
  expect(local.resource.aws_scheduler_schedule).toBeUndefined();
});

test("S3 arrival: EventBridge notifications on the data bucket, a wildcard rule on the marker, an input transformer", () => {
  expect(all(staging, "aws_s3_bucket_notification")).toEqual([expect.objectContaining({ eventbridge: true, bucket: expect.stringMatching(/storage_data/) })]);
  const rule = one(staging, "aws_cloudwatch_event_rule", "financial-daily_arrival-rule");
  expect(JSON.parse(rule.event_pattern).detail.object.key).toEqual([{ wildcard: "raw/ohlcv/*_SUCCESS" }]);
  const target = one(staging, "aws_cloudwatch_event_target", "financial-daily_arrival-target");
  // No date from the event time: the run's date is the key's segment after the prefix.
  expect(target.input_transformer.input_paths).toEqual({ bucket: "$.detail.bucket.name", key: "$.detail.object.key" });
  expect(JSON.parse(target.input_transformer.input_template.replace(/<(\w+)>/g, '"$1"'))).toEqual({ source: "arrival", bucket: "bucket", key: "key" });
  // local disables the trigger: no notification resource.
  expect(local.resource.aws_s3_bucket_notification).toBeUndefined();
});

test("alarms on failed and timed-out executions per state machine; one status rule to the topic, allowed by its policy", () => {
  const alarms = all(staging, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/States");
  const perMachine = (metric: string) => Array<string>(STAGING_PIPELINES).fill(metric);
  expect(alarms.map((a) => a.metric_name).sort()).toEqual([...perMachine("ExecutionsFailed"), ...perMachine("ExecutionsTimedOut")]);
  const rule = one(staging, "aws_cloudwatch_event_rule", "execution-status");
  const pattern = JSON.parse(rule.event_pattern);
  // FAILED is reported by the definition's NotifyFailure and the ExecutionsFailed alarm: one notification, not three.
  expect(pattern.detail.status).toEqual(["TIMED_OUT", "ABORTED"]);
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

test("the scheduler's role trusts the schedule group's ARN (what Scheduler sends as aws:SourceArn), with ArnEquals", () => {
  const schedule = one(staging, "aws_scheduler_schedule", "financial-daily");
  expect(schedule.group_name).toBe("default");
  const trust = Object.entries<any>(staging.data.aws_iam_policy_document).find(([id]) => id.includes("financial-daily_scheduler-trust"))?.[1];
  expect(trust.statement[0].principals).toEqual([{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }]);
  expect(trust.statement[0].condition).toEqual([
    { test: "StringEquals", variable: "aws:SourceAccount", values: [expect.stringMatching(/data\.aws_caller_identity/)] },
    { test: "ArnEquals", variable: "aws:SourceArn", values: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^}]+\}:scheduler:eu-west-1:\$\{data\.aws_caller_identity\.[^}]+\}:schedule-group\/default$/)] },
  ]);
});

test("the schedule group's delivery failures are alarmed (the DLQ cannot see a role Scheduler fails to assume)", () => {
  const scheduler = all(staging, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/Scheduler");
  expect(scheduler.map((a) => a.metric_name).sort()).toEqual(Object.keys(SCHEDULER_FAILURE_METRICS).sort());
  for (const a of scheduler) expect(a).toMatchObject({ dimensions: { ScheduleGroup: "default" }, statistic: "Sum", threshold: 1, alarm_actions: [expect.stringMatching(/aws_sns_topic/)] });
  // local has no schedule, so no scheduler alarms.
  expect(all(local, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/Scheduler")).toEqual([]);
});

test("an arrival target retries, dead-letters into an encrypted queue EventBridge may write, and its rule's FailedInvocations is alarmed", () => {
  const target = one(staging, "aws_cloudwatch_event_target", "financial-daily_arrival-target");
  expect(target.retry_policy).toEqual({ maximum_retry_attempts: 8, maximum_event_age_in_seconds: 3600 });
  expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue\..+financial-daily_arrival-dlq.+\.arn/);
  expect(one(staging, "aws_sqs_queue", "financial-daily_arrival-dlq").kms_master_key_id).toMatch(/aws_kms_key/);
  const queuePolicy = Object.entries<any>(staging.data.aws_iam_policy_document).find(([id]) => id.includes("financial-daily_arrival-dlq-policy-document"))?.[1];
  expect(queuePolicy.statement).toEqual([
    expect.objectContaining({
      principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
      actions: ["sqs:SendMessage"],
      condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [expect.stringMatching(/aws_cloudwatch_event_rule\..+financial-daily_arrival-rule.+\.arn/)] }],
    }),
  ]);
  expect(one(staging, "aws_sqs_queue_policy", "financial-daily_arrival-dlq-policy").queue_url).toMatch(/arrival-dlq.+\.url/);
  const failed = all(staging, "aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/Events");
  const arrivalRules = all(staging, "aws_cloudwatch_event_rule").filter((r) => String(r.name).endsWith("-arrival"));
  expect(arrivalRules.length).toBeGreaterThan(0);
  expect(failed.map((a) => a.dimensions.RuleName).sort()).toEqual(arrivalRules.map(() => expect.stringMatching(/aws_cloudwatch_event_rule\..+arrival-rule.+\.name/)));
  for (const a of failed) expect(a).toMatchObject({ metric_name: "FailedInvocations", threshold: 1, statistic: "Sum" });
});

test("the quality gate's rules file is deployed: an aws_s3_object per jobs/ argument, from spark-jobs/, KMS, hashed", () => {
  const objects = all(staging, "aws_s3_object").filter((o) => String(o.key).startsWith("jobs/"));
  const rel = [...artifactInputs(loadPipelines(loadEnvironment("staging"))).keys()];
  expect(rel).toContain("rules/ohlcv.json");
  expect(objects.map((o) => o.key).sort()).toEqual(rel.map((r) => `jobs/${r}`).sort());
  const rules = objects.find((o) => o.key === "jobs/rules/ohlcv.json");
  const source = resolve(__dirname, "../../spark-jobs/rules/ohlcv.json");
  // Relative to the stack's directory, where terraform runs: the same on every checkout.
  expect(resolve(__dirname, "../../cdktf.out/stacks/emr-staging", String(rules?.source))).toBe(source);
  expect(rules).toMatchObject({
    bucket: expect.stringMatching(/aws_s3_bucket\.storage_artifacts/),
    source: "../../../spark-jobs/rules/ohlcv.json",
    source_hash: createHash("md5").update(readFileSync(source)).digest("hex"),
    kms_key_id: expect.stringMatching(/aws_kms_key/),
    server_side_encryption: "aws:kms",
  });
});

test("fails if a step reads a jobs/ file the repository does not have, naming it", () => {
  const root = mkdtempSync(join(tmpdir(), "pipelines-root-"));
  const build = () => {
    const stack = new EmrPlatformStack(Testing.app(), "emr-dev", loadEnvironment("dev"));
    const config = loadEnvironment("dev");
    return new PlatformPipelines(stack, "other", {
      config,
      name: "x",
      account: new AccountContext(stack, "acct", config.region),
      pipelines: loadPipelines(config),
      cluster: { references: stack.cluster.references, clusterId: "j-1" },
      ec2RoleArn: "arn:aws:iam::1:role/r",
      buckets: { data: stack.storage.data, artifacts: stack.storage.artifacts, logs: stack.storage.logs },
      kmsKeyArn: "k",
      topicArn: "t",
      topicAccess: { allowEventRule: () => undefined, allowAlarms: () => undefined },
      projectRoot: root,
    });
  };
  expect(build).toThrow(/pipelines financialDaily read s3:\/\/\{artifacts_bucket\}\/jobs\/rules\/ohlcv\.json, but spark-jobs\/rules\/ohlcv\.json does not exist; fix: add the file/);
  mkdirSync(join(root, "spark-jobs", "rules"), { recursive: true });
  writeFileSync(join(root, "spark-jobs", "rules", "ohlcv.json"), "{}");
  expect(Object.keys(build().artifacts)).toEqual(["jobs/rules/ohlcv.json"]);
});

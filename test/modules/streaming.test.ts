/** Streaming (modules/streaming): the ticks stream, the cluster's access to it, the alarms and the `streaming` output. */
import { Testing } from "cdktf";
import { environmentInput, loadEnvironment, parseEnvironment } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { STACK_OUTPUTS } from "../../contracts/stack-outputs";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { buildStreamAlarms } from "../../modules/streaming/stream-alarms";
import { documentStatements, policyStatements, resources, type TerraformJson } from "./harness";

function synth(config: EnvironmentConfig): TerraformJson {
  const stack = new EmrPlatformStack(Testing.app(), `emr-${config.name}`, config);
  Testing.fullSynth(stack); // throws when the policy guard annotated an error
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

const only = (json: TerraformJson, type: string) => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0];
};

const STREAM_ARN = "${aws_kinesis_stream.stream_ticks_stream_2E5E1F28.arn}";
const KEY_ARN = "${aws_kms_key.storage_key_AB3BBE0B.arn}";
const TOPIC_ARN = "${aws_sns_topic.monitoring_topic_631C3BE1.arn}";

describe("dev (streaming enabled, defaults)", () => {
  const json = synth(loadEnvironment("dev", {}));
  const [streamId, stream] = only(json, "aws_kinesis_stream");
  const instance = documentStatements(json, "instance-policy-document");
  const sid = (name: string) => instance.find((s) => s.sid === name);

  test("an on-demand stream <project>-<env>-ticks, 24 h retention, records encrypted with the platform key", () => {
    expect(`\${aws_kinesis_stream.${streamId}.arn}`).toBe(STREAM_ARN);
    expect(stream).toMatchObject({
      name: "emr-platform-dev-ticks",
      stream_mode_details: { stream_mode: "ON_DEMAND" },
      retention_period: 24,
      encryption_type: "KMS",
      kms_key_id: KEY_ARN,
    });
    expect(stream.shard_count).toBeUndefined();
  });

  test("the instance profile reads exactly this stream as the connector does, decrypts with our key, writes the job's prefixes", () => {
    expect(sid("TicksReadStream")).toEqual({
      sid: "TicksReadStream",
      actions: ["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"],
      resources: [STREAM_ARN],
    });
    expect(sid("TicksReadKey")).toEqual({ sid: "TicksReadKey", actions: ["kms:Decrypt"], resources: [KEY_ARN] });
    expect(sid("StreamingObjects")!.resources).toEqual([
      "${aws_s3_bucket.storage_data_bucket_77B590E3.arn}/streaming/*",
      "${aws_s3_bucket.storage_data_bucket_77B590E3.arn}/checkpoints/*",
    ]);
    expect(sid("StreamingObjects")!.actions).toEqual(expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]));
    expect(sid("StreamAlerts")).toEqual({ sid: "StreamAlerts", actions: ["sns:Publish"], resources: [TOPIC_ARN] });
  });

  test("no policy of the stack grants a kinesis: action on *", () => {
    const kinesis = policyStatements(json).filter((s) => (s.actions ?? []).some((a: string) => a.startsWith("kinesis:")));
    expect(kinesis.map((s) => s.sid)).toEqual(["TicksReadStream"]);
    expect(kinesis[0].resources).not.toContain("*");
  });

  test("three alarms to the platform topic, and the topic policy lets CloudWatch publish for exactly them", () => {
    const alarms = resources(json, "aws_cloudwatch_metric_alarm").filter(([, a]) => String(a.alarm_name).startsWith("emr-platform-dev-stream-"));
    const byName = Object.fromEntries(alarms.map(([id, a]) => [a.alarm_name, { id, ...a }]));
    expect(Object.keys(byName).sort()).toEqual(["emr-platform-dev-stream-iterator-age", "emr-platform-dev-stream-no-progress", "emr-platform-dev-stream-write-throttled"]);
    expect(byName["emr-platform-dev-stream-iterator-age"]).toMatchObject({
      namespace: "AWS/Kinesis",
      metric_name: "GetRecords.IteratorAgeMilliseconds",
      dimensions: { StreamName: "emr-platform-dev-ticks" },
      statistic: "Maximum",
      comparison_operator: "GreaterThanThreshold",
      threshold: 60000,
      alarm_actions: [TOPIC_ARN],
    });
    expect(byName["emr-platform-dev-stream-write-throttled"]).toMatchObject({ metric_name: "WriteProvisionedThroughputExceeded", statistic: "Sum", threshold: 0 });
    const noProgress = byName["emr-platform-dev-stream-no-progress"];
    expect(noProgress).toMatchObject({ comparison_operator: "GreaterThanOrEqualToThreshold", threshold: 1, evaluation_periods: 10, treat_missing_data: "notBreaching" });
    expect(noProgress.metric_name).toBeUndefined(); // metric math: the metrics are in metric_query only
    expect(noProgress.metric_query).toEqual([
      expect.objectContaining({ id: "stalled", expression: "IF(FILL(reads, 0) > 0 AND FILL(batches, 0) == 0, 1, 0)", return_data: true }),
      { id: "reads", metric: { namespace: "AWS/Kinesis", metric_name: "GetRecords.Success", dimensions: { StreamName: "emr-platform-dev-ticks" }, stat: "Sum", period: 60 } },
      { id: "batches", metric: { namespace: "EMRPlatform/Jobs", metric_name: "StreamBatchesCompleted", stat: "Sum", period: 60 } },
    ]);
    const allow = documentStatements(json, "topic-policy-document").find((s) => s.sid === "AllowStreamingAlarms")!;
    expect(allow.principals).toEqual([{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }]);
    expect(allow.condition[0].values.sort()).toEqual(alarms.map(([id]) => `\${aws_cloudwatch_metric_alarm.${id}.arn}`).sort());
  });

  test("the streaming output is StreamingOutput as JSON", () => {
    const value = json.output![STACK_OUTPUTS.streaming].value as string;
    expect(value).toMatch(/^\$\{jsonencode\(\{/);
    for (const key of ["streamName", "streamArn", "outputUri", "checkpointUri", "stopMarkerUri", "alertsTopicArn", "progressMetric", "barSeconds", "watermarkSeconds", "triggerSeconds"]) {
      expect(value).toContain(`"${key}" = `);
    }
    expect(value).toContain('"streamName" = "emr-platform-dev-ticks"');
    const reference = (interpolation: string) => interpolation.slice(2, -1); // inside jsonencode(): a bare reference
    expect(value).toContain(`"streamArn" = ${reference(STREAM_ARN)},`);
    expect(value).toContain('"outputUri" = "s3://${aws_s3_bucket.storage_data_bucket_77B590E3.bucket}/streaming/financial/"');
    expect(value).toContain('"checkpointUri" = "s3://${aws_s3_bucket.storage_data_bucket_77B590E3.bucket}/checkpoints/financial_stream/"');
    expect(value).toContain('"stopMarkerUri" = "s3://${aws_s3_bucket.storage_data_bucket_77B590E3.bucket}/streaming/financial/_control/stop"');
    expect(value).toContain(`"alertsTopicArn" = ${reference(TOPIC_ARN)},`);
    expect(value).toContain('"progressMetric" = {"namespace" = "EMRPlatform/Jobs", "name" = "StreamBatchesCompleted"}');
    expect(value).toMatch(/"barSeconds" = 60[,\s}]/);
  });
});

describe("a provisioned stream with longer retention", () => {
  const json = synth(parseEnvironment({ ...environmentInput("dev"), streaming: { enabled: true, stream: { mode: "PROVISIONED", shards: 3, retentionHours: 168 } } }));

  test("sets the shard count and retention", () => {
    expect(only(json, "aws_kinesis_stream")[1]).toMatchObject({ stream_mode_details: { stream_mode: "PROVISIONED" }, shard_count: 3, retention_period: 168 });
  });
});

describe("local (alarms off)", () => {
  const json = synth(loadEnvironment("local", {}));

  test("the stream and its access exist, no alarm and no topic grant for one", () => {
    only(json, "aws_kinesis_stream");
    expect(documentStatements(json, "instance-policy-document").map((s) => s.sid)).toEqual(expect.arrayContaining(["TicksReadStream", "TicksReadKey"]));
    expect(resources(json, "aws_cloudwatch_metric_alarm").filter(([, a]) => String(a.alarm_name).includes("-stream-"))).toEqual([]);
    expect(documentStatements(json, "topic-policy-document").map((s) => s.sid)).not.toContain("AllowStreamingAlarms");
  });
});

describe("staging (streaming off)", () => {
  const json = synth(loadEnvironment("staging", {}));

  test("creates none of it, and the output is {}", () => {
    expect(resources(json, "aws_kinesis_stream")).toEqual([]);
    expect(policyStatements(json).filter((s) => String(s.sid).startsWith("Ticks") || s.sid === "StreamAlerts")).toEqual([]);
    expect(json.output![STACK_OUTPUTS.streaming].value).toBe("{}");
  });
});

describe("buildStreamAlarms", () => {
  const specs = buildStreamAlarms({ streamName: "s", alarms: { iteratorAgeMs: 5000, noProgressMinutes: 3 }, progressMetric: { namespace: "N", name: "M" } });
  const byId = (id: string) => specs.find((s) => s.id === id)!;

  test("thresholds and the no-progress window come from config", () => {
    expect(byId("iterator-age")).toMatchObject({ threshold: 5000, watch: { metric: { metricName: "GetRecords.IteratorAgeMilliseconds", statistic: "Maximum" } } });
    expect(byId("no-progress").evaluationPeriods).toBe(3);
  });

  test("no progress watches the job's metric as published (no dimensions) beside the stream's reads", () => {
    expect(byId("no-progress").watch).toEqual({
      expression: expect.stringContaining("FILL(batches, 0) == 0"),
      metrics: {
        reads: { namespace: "AWS/Kinesis", metricName: "GetRecords.Success", dimensions: { StreamName: "s" }, statistic: "Sum" },
        batches: { namespace: "N", metricName: "M", dimensions: {}, statistic: "Sum" },
      },
    });
  });
});

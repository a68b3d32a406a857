import { Testing, TerraformLocal } from "cdktf";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { environmentInput, loadEnvironment, parseEnvironment, type EnvironmentInput } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { PlatformMonitoring } from "../../modules/monitoring";
import { nonEmpty } from "./harness";

/** How a reference to the test's cluster id (a Terraform local standing in for aws_emr_cluster.id) synthesizes. */
const CLUSTER_ID = "${local.cluster_id}";

function synth(config: EnvironmentConfig) {
  let built: PlatformMonitoring | undefined;
  const json = Testing.synthScope((scope) => {
    new AwsProvider(scope, "aws", { region: "eu-west-1" });
    const kmsKey = new KmsKey(scope, "key", { enableKeyRotation: true });
    const clusterId = new TerraformLocal(scope, "cluster_id", "j-TESTCLUSTER").asString;
    built = new PlatformMonitoring(scope, "monitoring", { config, name: "emr-platform-dev", clusterId, kmsKey });
  });
  const parsed = JSON.parse(json);
  const all = (type: string): Record<string, any>[] => Object.values(parsed.resource?.[type] ?? {});
  const statements = (): Record<string, any>[] => {
    const docs = Object.values<any>(parsed.data?.aws_iam_policy_document ?? {});
    if (docs.length !== 1) throw new Error(`expected one policy document, found ${docs.length}`);
    return docs[0].statement;
  };
  return { json, all, statements, built: built! };
}

function variant(name: "dev" | "prod" | "local", patch: (input: EnvironmentInput) => void): EnvironmentConfig {
  const input = environmentInput(name);
  patch(input);
  return parseEnvironment(input);
}

const byName = (alarms: Record<string, any>[]) => Object.fromEntries(alarms.map((a) => [a.alarm_name, a]));

describe("PlatformMonitoring (dev)", () => {
  const { json, all, statements } = synth(loadEnvironment("dev"));

  test("the alarm topic is encrypted with the platform key", () => {
    expect(json).toHaveResourceWithProperties(SnsTopic, {
      name: "emr-platform-dev-alarms",
      kms_master_key_id: "${aws_kms_key.key.arn}",
    });
  });

  test("dev has no email subscriptions", () => {
    expect(json).not.toHaveResource(SnsTopicSubscription);
  });

  test("alarms on the documented EMR metrics, scoped to the cluster, notify the topic on alarm and recovery", () => {
    const alarms = all("aws_cloudwatch_metric_alarm");
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(
      ["AppsFailed", "ContainerPendingRatio", "HDFSUtilization", "IsIdle", "MRUnhealthyNodes", "YARNMemoryAvailablePercentage"].sort(),
    );
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        namespace: "AWS/ElasticMapReduce",
        dimensions: { JobFlowId: CLUSTER_ID },
        period: 300,
        treat_missing_data: "notBreaching",
        alarm_actions: [expect.stringMatching(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/)],
        ok_actions: [expect.stringMatching(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/)],
      });
      expect(alarm.alarm_name).toMatch(/^emr-platform-dev-/);
    }
  });

  test("thresholds and directions: low YARN memory, high HDFS, any failed app or unhealthy node, sustained pending containers", () => {
    const alarms = byName(all("aws_cloudwatch_metric_alarm"));
    expect(alarms["emr-platform-dev-yarn-memory-low"]).toMatchObject({
      comparison_operator: "LessThanThreshold",
      threshold: 10,
      statistic: "Average",
      evaluation_periods: 3,
    });
    expect(alarms["emr-platform-dev-hdfs-utilization-high"]).toMatchObject({ comparison_operator: "GreaterThanThreshold", threshold: 80 });
    expect(alarms["emr-platform-dev-apps-failed"]).toMatchObject({ comparison_operator: "GreaterThanThreshold", threshold: 0, statistic: "Sum" });
    expect(alarms["emr-platform-dev-unhealthy-nodes"]).toMatchObject({ threshold: 0, statistic: "Maximum" });
    expect(alarms["emr-platform-dev-containers-pending"]).toMatchObject({ threshold: 0.75, evaluation_periods: 6 });
  });

  test("the idle alarm waits until two periods past dev's one-hour auto-termination", () => {
    expect(byName(all("aws_cloudwatch_metric_alarm"))["emr-platform-dev-idle"]).toMatchObject({
      metric_name: "IsIdle",
      statistic: "Minimum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluation_periods: 14,
    });
  });

  test("EventBridge rules catch this cluster terminating with errors and its steps failing, and target the topic", () => {
    const patterns = Object.fromEntries(all("aws_cloudwatch_event_rule").map((r) => [r.name, JSON.parse(r.event_pattern)]));
    expect(patterns).toEqual({
      "emr-platform-dev-cluster-failed": {
        source: ["aws.emr"],
        "detail-type": ["EMR Cluster State Change"],
        detail: { clusterId: [CLUSTER_ID], state: ["TERMINATED_WITH_ERRORS"] },
      },
      "emr-platform-dev-step-failed": {
        source: ["aws.emr"],
        "detail-type": ["EMR Step Status Change"],
        detail: { clusterId: [CLUSTER_ID], state: ["FAILED"] },
      },
    });
    const targets = all("aws_cloudwatch_event_target");
    expect(targets).toHaveLength(2);
    for (const target of targets) {
      expect(target.arn).toMatch(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/);
      expect(target.rule).toMatch(/^\$\{aws_cloudwatch_event_rule\.[\w-]+\.name\}$/);
    }
    expect(new Set(targets.map((t) => t.rule)).size).toBe(2);
  });

  test("the topic policy lets CloudWatch and EventBridge publish only for this stack's alarms and rules, and denies non-TLS publishing", () => {
    const [alarmsStatement, rulesStatement, denyStatement] = statements();
    expect(alarmsStatement).toMatchObject({
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
      actions: ["sns:Publish"],
    });
    expect(alarmsStatement.condition).toEqual([
      { test: "ArnEquals", variable: "aws:SourceArn", values: expect.arrayContaining([expect.stringMatching(/^\$\{aws_cloudwatch_metric_alarm\./)]) },
    ]);
    expect(alarmsStatement.condition[0].values).toHaveLength(6);
    expect(rulesStatement).toMatchObject({ principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }], actions: ["sns:Publish"] });
    expect(rulesStatement.condition[0].values).toEqual([
      expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.[\w-]+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.[\w-]+\.arn\}$/),
    ]);
    expect(denyStatement).toMatchObject({
      effect: "Deny",
      actions: ["sns:Publish"],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
    for (const s of nonEmpty(statements())) expect(s.resources).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/)]);
  });

  test("the topic policy is attached to the topic", () => {
    const [policy] = all("aws_sns_topic_policy");
    expect(policy.arn).toMatch(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/);
    expect(policy.policy).toMatch(/^\$\{data\.aws_iam_policy_document\.[\w-]+\.json\}$/);
  });

  test("the dashboard plots the cluster's metrics", () => {
    expect(json).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: "emr-platform-dev" });
    const body = JSON.parse(all("aws_cloudwatch_dashboard")[0].dashboard_body);
    expect(body.widgets[0].properties.metrics).toEqual([
      ["AWS/ElasticMapReduce", "YARNMemoryAvailablePercentage", "JobFlowId", CLUSTER_ID, { stat: "Average" }],
    ]);
  });
});

describe("PlatformMonitoring variants", () => {
  test("prod subscribes its on-call address by email, and its idle alarm fires after an hour (no auto-termination)", () => {
    const { json, all } = synth(loadEnvironment("prod"));
    expect(json).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: "email",
      endpoint: "data-platform-oncall@example.com",
      topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.[\w-]+\.arn\}$/),
    });
    expect(byName(all("aws_cloudwatch_metric_alarm"))["emr-platform-dev-idle"].evaluation_periods).toBe(12);
  });

  test("thresholds come from config.alarms", () => {
    const config = variant("dev", (input) => {
      input.alarms = { yarnMemoryAvailableBelowPercent: 20, hdfsUtilizationAbovePercent: 65 };
    });
    const alarms = byName(synth(config).all("aws_cloudwatch_metric_alarm"));
    expect(alarms["emr-platform-dev-yarn-memory-low"].threshold).toBe(20);
    expect(alarms["emr-platform-dev-hdfs-utilization-high"].threshold).toBe(65);
  });

  test("with alarms disabled: topic and dashboard only, and the topic policy grants no service anything", () => {
    const { json, statements, built } = synth(loadEnvironment("local"));
    expect(json).toHaveResource(SnsTopic);
    expect(json).toHaveResource(CloudwatchDashboard);
    expect(json).not.toHaveResource(CloudwatchMetricAlarm);
    expect(json).not.toHaveResource(CloudwatchEventRule);
    expect(json).not.toHaveResource(CloudwatchEventTarget);
    expect(built.alarms).toHaveLength(0);
    expect(statements().map((s) => s.effect)).toEqual(["Deny"]);
  });
});

describe("PlatformMonitoring refuses what cannot work", () => {
  test("fails if the name holds characters an SNS topic or dashboard name cannot", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new AwsProvider(scope, "aws", { region: "eu-west-1" });
        const kmsKey = new KmsKey(scope, "key", { enableKeyRotation: true });
        new PlatformMonitoring(scope, "monitoring", { config: loadEnvironment("dev"), name: "emr platform/dev", clusterId: "j-1", kmsKey });
      }),
    ).toThrow(/name "emr platform\/dev" cannot name an SNS topic or dashboard/);
  });
});

/**
 * Cluster monitoring: an encrypted SNS topic (with optional email subscriptions) that CloudWatch alarms on the EMR
 * metrics and EventBridge rules for failed clusters and steps publish to, and a CloudWatch dashboard.
 *
 * The topic and dashboard always exist (the stack exports the topic ARN); with config.alarms.enabled false there are
 * no alarms and no rules, and the topic policy grants no service anything.
 */
import { Construct } from "constructs";
import { Token } from "cdktf";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { PolicyStatements } from "../core/policy-statements";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { ConfigError } from "../../environments/errors";
import { EMR_METRICS_NAMESPACE } from "../../contracts/emr";
import { buildClusterAlarms, EMR_METRIC_PERIOD_SECONDS, TREAT_MISSING_DATA, type MonitoringConfig } from "./alarms";
import { buildDashboardBody } from "./dashboard";
import { clusterFailedPattern, stepFailedPattern } from "./event-patterns";

export interface PlatformMonitoringProps {
  readonly config: MonitoringConfig;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  /** The EMR cluster id (a token). */
  readonly clusterId: string;
  /** The platform key; its key policy lets cloudwatch.amazonaws.com and events.amazonaws.com use it for SNS. */
  readonly kmsKey: KmsKey;
}

/** SNS topic and dashboard names: letters, digits, - and _; the topic adds "-alarms" within its 256 characters. */
const NAME = /^[A-Za-z0-9_-]{1,249}$/;

export class PlatformMonitoring extends Construct {
  public readonly topic: SnsTopic;
  public readonly topicPolicy: SnsTopicPolicy;
  public readonly subscriptions: readonly SnsTopicSubscription[];
  /** One per EMR metric alarm; empty when config.alarms.enabled is false. */
  public readonly alarms: readonly CloudwatchMetricAlarm[];
  /** Cluster terminated with errors, step failed; empty when config.alarms.enabled is false. */
  public readonly eventRules: readonly CloudwatchEventRule[];
  public readonly dashboard: CloudwatchDashboard;
  private readonly topicPolicyStatements: PolicyStatements;

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    const { config, name, clusterId } = props;
    if (!Token.isUnresolved(name) && !NAME.test(name)) {
      throw new ConfigError(
        `monitoring ${this.node.path}: name "${name}" cannot name an SNS topic or dashboard; fix: letters, digits, - and _ only (at most 249), e.g. emr-platform-dev`,
      );
    }

    this.topic = new SnsTopic(this, "topic", {
      name: `${name}-alarms`,
      kmsMasterKeyId: props.kmsKey.arn,
    });

    this.subscriptions = config.alarms.emails.map(
      (email, index) =>
        new SnsTopicSubscription(this, `email-${index}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email }),
    );

    const actions = [this.topic.arn];
    this.alarms = config.alarms.enabled
      ? buildClusterAlarms(config).map(
          (spec) =>
            new CloudwatchMetricAlarm(this, spec.id, {
              alarmName: `${name}-${spec.id}`,
              alarmDescription: spec.description,
              namespace: EMR_METRICS_NAMESPACE,
              metricName: spec.metricName,
              dimensions: { JobFlowId: clusterId },
              statistic: spec.statistic,
              comparisonOperator: spec.comparisonOperator,
              threshold: spec.threshold,
              period: EMR_METRIC_PERIOD_SECONDS,
              evaluationPeriods: spec.evaluationPeriods,
              treatMissingData: TREAT_MISSING_DATA,
              alarmActions: actions,
              okActions: actions,
            }),
        )
      : [];

    this.eventRules = config.alarms.enabled
      ? [
          this.eventRule("cluster-failed", `${name}-cluster-failed`, "The EMR cluster terminated with errors", clusterFailedPattern(clusterId)),
          this.eventRule("step-failed", `${name}-step-failed`, "A step on the EMR cluster failed", stepFailedPattern(clusterId)),
        ]
      : [];

    // Statements may be added later (allowEventRule), so the document resolves at synth.
    this.topicPolicyStatements = new PolicyStatements(this, "topic-policy-document", [
        ...(this.alarms.length > 0
          ? [this.publishFrom("AllowAlarmsOfThisCluster", "cloudwatch.amazonaws.com", this.alarms.map((a) => a.arn))]
          : []),
        ...(this.eventRules.length > 0
          ? [this.publishFrom("AllowFailureRulesOfThisCluster", "events.amazonaws.com", this.eventRules.map((r) => r.arn))]
          : []),
        {
          sid: "DenyPublishWithoutTls",
          effect: "Deny",
          // Everyone: the deny applies to any caller that does not use TLS.
          principals: [{ type: "AWS", identifiers: ["*"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
    ]);
    this.topicPolicy = new SnsTopicPolicy(this, "topic-policy", { arn: this.topic.arn, policy: this.topicPolicyStatements.json });

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: name,
      dashboardBody: buildDashboardBody(config, clusterId),
    });
  }

  /** Lets one more EventBridge rule (e.g. the pipelines' execution-status rule) publish to the topic. */
  allowEventRule(sid: string, ruleArn: string): void {
    this.topicPolicyStatements.addStatements(this.publishFrom(sid, "events.amazonaws.com", [ruleArn]));
  }

  /**
   * Lets more CloudWatch alarms (e.g. the pipelines') publish to the topic. The topic policy replaces SNS's default,
   * and CloudWatch publishes alarm actions as cloudwatch.amazonaws.com on behalf of the alarm's ARN: an alarm not
   * listed here fires, but its notification is denied.
   */
  allowAlarms(sid: string, alarmArns: string[]): void {
    if (alarmArns.length > 0) this.topicPolicyStatements.addStatements(this.publishFrom(sid, "cloudwatch.amazonaws.com", alarmArns));
  }

  /** A service may publish only on behalf of exactly these sources (the confused-deputy guard). */
  private publishFrom(sid: string, service: string, sourceArns: string[]): DataAwsIamPolicyDocumentStatement {
    return {
      sid,
      effect: "Allow",
      principals: [{ type: "Service", identifiers: [service] }],
      actions: ["sns:Publish"],
      resources: [this.topic.arn],
      condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: sourceArns }],
    };
  }

  private eventRule(id: string, ruleName: string, description: string, eventPattern: string): CloudwatchEventRule {
    const rule = new CloudwatchEventRule(this, id, { name: ruleName, description, eventPattern });
    new CloudwatchEventTarget(this, `${id}-target`, { rule: rule.name, targetId: "alarm-topic", arn: this.topic.arn });
    return rule;
  }
}

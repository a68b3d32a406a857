import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { PREFIXES } from "../../contracts/stack-outputs";
import type { EnvironmentConfig } from "../../environments/schema";
import type { Grantee } from "../core/policy-statements";
import { JOB_METRICS_NAMESPACE } from "../iam/platform-iam";
import type { TopicAccess } from "../pipeline/platform-pipelines";
import type { PlatformStorage } from "../storage/platform-storage";
import { buildStreamAlarms, STREAM_METRIC_PERIOD_SECONDS, type StreamAlarmSpec } from "./stream-alarms";
import { STREAM_JOB_OUTPUT, type StreamingOutput } from "./target";
import { TicksStream } from "./ticks-stream";

/** The part of the environment config streaming reads. */
export type PlatformStreamingConfig = Pick<EnvironmentConfig, "streaming" | "alarms">;

/** The metric the `financial_stream` job publishes after each batch, in the namespace its instance profile may write. */
export const PROGRESS_METRIC_NAME = "StreamBatchesCompleted";

/** Below PREFIXES.checkpoints: the financial_stream query's checkpoint (its results: STREAM_JOB_OUTPUT). */
const JOB_CHECKPOINT = `${PREFIXES.checkpoints}financial_stream/`;

export interface PlatformStreamingProps {
  readonly config: PlatformStreamingConfig;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly storage: PlatformStorage;
  /** The cluster's instance-profile policy: the job runs as a step on the long-running cluster. */
  readonly instancePolicy: Grantee;
  /** The platform SNS topic: alarms and the job's anomaly alerts go there. */
  readonly topicArn: string;
  readonly topicAccess: Pick<TopicAccess, "allowAlarms">;
}

/**
 * Streaming (issue 20): the ticks stream, the cluster's access to it and to the job's prefixes of the data bucket, the
 * alarms, and the `streaming` stack output. Created only when `streaming.enabled`; the step itself is added by the CLI.
 */
export class PlatformStreaming extends Construct {
  readonly ticks: TicksStream;
  /** Empty when config.alarms.enabled is false. */
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** The `streaming` stack output: a Terraform expression rendering StreamingOutput as JSON. */
  readonly output: string;

  constructor(scope: Construct, id: string, props: PlatformStreamingProps) {
    super(scope, id);
    const { config, name, storage, instancePolicy } = props;
    const streaming = config.streaming;

    this.ticks = new TicksStream(this, "ticks", { name, stream: streaming.stream, key: storage.key });
    this.ticks.grantRead(instancePolicy, "TicksRead");
    storage.data.grantReadWrite(instancePolicy, [PREFIXES.streaming, PREFIXES.checkpoints], "Streaming");
    // The job sends anomalies to the topic (--alerts-topic). Same account, and the topic policy denies only non-TLS
    // publishing, so the identity policy suffices; the topic key's GenerateDataKey*/Decrypt the profile already has.
    instancePolicy.addStatements({ sid: "StreamAlerts", actions: ["sns:Publish"], resources: [props.topicArn] });

    const progressMetric = { namespace: JOB_METRICS_NAMESPACE, name: PROGRESS_METRIC_NAME };
    this.alarms = config.alarms.enabled
      ? buildStreamAlarms({ streamName: this.ticks.streamName, alarms: streaming.alarms, progressMetric }).map(
          (spec) =>
            new CloudwatchMetricAlarm(this, spec.id, {
              alarmName: `${name}-stream-${spec.id}`,
              alarmDescription: spec.description,
              comparisonOperator: spec.comparisonOperator,
              threshold: spec.threshold,
              evaluationPeriods: spec.evaluationPeriods,
              treatMissingData: "notBreaching",
              alarmActions: [props.topicArn],
              okActions: [props.topicArn],
              ...watched(spec.watch),
            }),
        )
      : [];
    // The topic policy replaces SNS's default: an alarm it does not list fires, but its notification is denied.
    props.topicAccess.allowAlarms("AllowStreamingAlarms", this.alarms.map((a) => a.arn));

    const outputUri = storage.data.s3Uri(STREAM_JOB_OUTPUT);
    const output: StreamingOutput = {
      streamName: this.ticks.streamName,
      streamArn: this.ticks.arn,
      outputUri,
      checkpointUri: storage.data.s3Uri(JOB_CHECKPOINT),
      stopMarkerUri: `${outputUri}_control/stop`,
      alertsTopicArn: props.topicArn,
      progressMetric,
      barSeconds: streaming.barSeconds,
      watermarkSeconds: streaming.watermarkSeconds,
      triggerSeconds: streaming.triggerSeconds,
    };
    this.output = Fn.jsonencode(output);
  }
}

/** The alarm's metric fields: one metric at the top level, or metric queries for an expression (never both). */
function watched(watch: StreamAlarmSpec["watch"]): Partial<CloudwatchMetricAlarmConfig> {
  const period = STREAM_METRIC_PERIOD_SECONDS;
  if ("metric" in watch) {
    const { namespace, metricName, dimensions, statistic } = watch.metric;
    return { namespace, metricName, dimensions: { ...dimensions }, statistic, period };
  }
  return {
    metricQuery: [
      { id: "stalled", expression: watch.expression, label: "minutes read without a completed batch", returnData: true },
      ...Object.entries(watch.metrics).map(([id, m]) => ({
        id,
        metric: {
          namespace: m.namespace,
          metricName: m.metricName,
          ...(Object.keys(m.dimensions).length > 0 ? { dimensions: { ...m.dimensions } } : {}),
          stat: m.statistic,
          period,
        },
      })),
    ],
  };
}

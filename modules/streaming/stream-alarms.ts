/**
 * The streaming alarms, as data: the consumer falling behind, producers being throttled, and the job no longer
 * completing batches. modules/streaming/platform-streaming.ts turns them into CloudwatchMetricAlarms on the topic.
 */
import type { StreamingConfig } from "../../environments/streaming";
import type { StreamingOutput } from "./target";

/** Kinesis stream-level metrics, dimension StreamName, 1-minute data ("Monitor the Amazon Kinesis Data Streams service with Amazon CloudWatch"). */
export const KINESIS_METRICS_NAMESPACE = "AWS/Kinesis";
export const STREAM_METRIC_PERIOD_SECONDS = 60;

export interface StreamAlarmSpec {
  /** Construct id and alarm-name suffix. */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Sum" | "Maximum";
  readonly comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly description: string;
}

export interface StreamAlarmInput {
  readonly streamName: string;
  readonly alarms: StreamingConfig["alarms"];
  /** What the job publishes, with the exact dimensions it publishes it with. */
  readonly progressMetric: Required<StreamingOutput["progressMetric"]>;
}

/**
 * Missing data is "not breaching" for all three: without a running consumer Kinesis publishes no GetRecords metrics and
 * the job publishes no progress, and a stopped stream job must not page (a failed step is reported by the step-failed
 * rule of modules/monitoring). The no-progress alarm therefore needs the job to publish 0 while it runs without
 * completing a batch; a stuck query then breaches.
 */
export function buildStreamAlarms(input: StreamAlarmInput): StreamAlarmSpec[] {
  const stream = { StreamName: input.streamName };
  const { iteratorAgeMs, noProgressMinutes } = input.alarms;
  return [
    {
      id: "iterator-age",
      namespace: KINESIS_METRICS_NAMESPACE,
      metricName: "GetRecords.IteratorAgeMilliseconds",
      dimensions: stream,
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: iteratorAgeMs,
      period: STREAM_METRIC_PERIOD_SECONDS,
      evaluationPeriods: 5,
      description: `The stream job lags ${input.streamName} by more than ${iteratorAgeMs} ms for 5 minutes: it reads slower than ticks arrive`,
    },
    {
      id: "write-throttled",
      namespace: KINESIS_METRICS_NAMESPACE,
      metricName: "WriteProvisionedThroughputExceeded",
      dimensions: stream,
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      period: STREAM_METRIC_PERIOD_SECONDS,
      evaluationPeriods: 1,
      description: `Producers were throttled writing to ${input.streamName}; add shards (PROVISIONED) or spread partition keys`,
    },
    {
      id: "no-progress",
      namespace: input.progressMetric.namespace,
      metricName: input.progressMetric.name,
      dimensions: input.progressMetric.dimensions,
      statistic: "Sum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      period: STREAM_METRIC_PERIOD_SECONDS,
      evaluationPeriods: noProgressMinutes,
      description: `The stream job runs but completed no batch for ${noProgressMinutes} minutes (query stuck, or no ticks arriving)`,
    },
  ];
}

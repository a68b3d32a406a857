/**
 * The streaming alarms, as data: the consumer falling behind, producers being throttled, and the job no longer
 * completing batches while it reads the stream. modules/streaming/platform-streaming.ts turns them into
 * CloudwatchMetricAlarms on the platform topic.
 */
import type { StreamingConfig } from "../../environments/streaming";
import type { StreamingOutput } from "./target";

/** Kinesis stream-level metrics, dimension StreamName, 1-minute data ("Monitor the Amazon Kinesis Data Streams service with Amazon CloudWatch"). */
export const KINESIS_METRICS_NAMESPACE = "AWS/Kinesis";
export const STREAM_METRIC_PERIOD_SECONDS = 60;

export interface MetricSpec {
  readonly namespace: string;
  readonly metricName: string;
  /** Matched exactly: a datum published with other dimensions is another metric. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Sum" | "Maximum";
}

export interface StreamAlarmSpec {
  /** Construct id and alarm-name suffix. */
  readonly id: string;
  readonly description: string;
  readonly comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold";
  readonly threshold: number;
  readonly evaluationPeriods: number;
  /** One metric, or a metric-math expression over named metrics (ids are the expression's variables). */
  readonly watch: { readonly metric: MetricSpec } | { readonly expression: string; readonly metrics: Readonly<Record<string, MetricSpec>> };
}

export interface StreamAlarmInput {
  readonly streamName: string;
  readonly alarms: StreamingConfig["alarms"];
  /** What the job publishes after each batch. */
  readonly progressMetric: StreamingOutput["progressMetric"];
}

/**
 * "No progress" is a metric-math alarm: in a minute where the stream was read (GetRecords.Success > 0, so the job's
 * step is running) and the job reported no completed batch. A stopped job reads nothing and never pages; a job that
 * died is reported by the step-failed rule of modules/monitoring. Missing data is "not breaching" for all three:
 * without a consumer Kinesis publishes no GetRecords metrics.
 */
export function buildStreamAlarms(input: StreamAlarmInput): StreamAlarmSpec[] {
  const stream = { StreamName: input.streamName };
  const kinesis = (metricName: string, statistic: MetricSpec["statistic"]): MetricSpec => ({ namespace: KINESIS_METRICS_NAMESPACE, metricName, dimensions: stream, statistic });
  const { iteratorAgeMs, noProgressMinutes } = input.alarms;
  return [
    {
      id: "iterator-age",
      description: `The stream job lags ${input.streamName} by more than ${iteratorAgeMs} ms for 5 minutes: it reads slower than ticks arrive`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: iteratorAgeMs,
      evaluationPeriods: 5,
      watch: { metric: kinesis("GetRecords.IteratorAgeMilliseconds", "Maximum") },
    },
    {
      id: "write-throttled",
      description: `Producers were throttled writing to ${input.streamName}; add shards (PROVISIONED) or spread partition keys`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      watch: { metric: kinesis("WriteProvisionedThroughputExceeded", "Sum") },
    },
    {
      id: "no-progress",
      description: `The stream job reads ${input.streamName} but completed no batch for ${noProgressMinutes} minutes (${input.progressMetric.namespace} ${input.progressMetric.name})`,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluationPeriods: noProgressMinutes,
      watch: {
        // Metric math: FILL turns a minute without a datum into 0, IF/AND give 1 for a stalled minute.
        expression: "IF(FILL(reads, 0) > 0 AND FILL(batches, 0) == 0, 1, 0)",
        metrics: {
          reads: kinesis("GetRecords.Success", "Sum"),
          batches: { namespace: input.progressMetric.namespace, metricName: input.progressMetric.name, dimensions: {}, statistic: "Sum" },
        },
      },
    },
  ];
}

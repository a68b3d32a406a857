/**
 * The CloudWatch alarms on the cluster's EMR metrics (namespace AWS/ElasticMapReduce, dimension JobFlowId), as data.
 * EMR publishes these every 5 minutes, so every alarm uses 300 s periods and states its window in periods.
 */
import type { EnvironmentConfig } from "../../environments/schema";

/** The part of the environment config monitoring reads (alarms, dashboard). */
export type MonitoringConfig = Pick<EnvironmentConfig, "alarms" | "autoTermination" | "region">;
/** EMR's reporting interval for cluster metrics. */
export const EMR_METRIC_PERIOD_SECONDS = 300;
/** CloudWatch's limit on evaluationPeriods x period for 5-minute periods (one day). */
const MAX_ALARM_WINDOW_SECONDS = 86400;
/** Idle time that pages when nothing terminates the cluster on its own (auto-termination off, e.g. prod). */
const IDLE_ALARM_WITHOUT_AUTO_TERMINATION_SECONDS = 3600;
/** The scale-out rules add nodes above this pending ratio; staying above it for 30 minutes means scaling is stuck. */
export const CONTAINER_PENDING_RATIO_LIMIT = 0.75;

/**
 * EMR stops publishing when the cluster terminates (idle auto-termination, destroy). Missing data is therefore "not
 * breaching", so a terminated cluster never pages; a cluster that dies with errors is reported by the EventBridge rule.
 */
export const TREAT_MISSING_DATA = "notBreaching";

export interface ClusterAlarmSpec {
  /** Construct id and alarm-name suffix. */
  readonly id: string;
  readonly metricName: string;
  readonly statistic: "Average" | "Sum" | "Maximum" | "Minimum";
  readonly comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly description: string;
}

const periodsFor = (seconds: number) => Math.ceil(Math.min(seconds, MAX_ALARM_WINDOW_SECONDS) / EMR_METRIC_PERIOD_SECONDS);

/**
 * With auto-termination on, the idle alarm waits two periods past the idle timeout: it fires only when the cluster
 * should already have terminated itself and didn't.
 */
export function idleAlarmPeriods(config: MonitoringConfig): number {
  const { enabled, idleTimeoutSeconds } = config.autoTermination;
  if (!enabled) return periodsFor(IDLE_ALARM_WITHOUT_AUTO_TERMINATION_SECONDS);
  const waited = Math.ceil(idleTimeoutSeconds / EMR_METRIC_PERIOD_SECONDS) + 2;
  return Math.min(waited, periodsFor(MAX_ALARM_WINDOW_SECONDS));
}

export function buildClusterAlarms(config: MonitoringConfig): ClusterAlarmSpec[] {
  const { yarnMemoryAvailableBelowPercent, hdfsUtilizationAbovePercent } = config.alarms;
  const idlePeriods = idleAlarmPeriods(config);
  return [
    {
      id: "idle",
      metricName: "IsIdle",
      statistic: "Minimum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluationPeriods: idlePeriods,
      description: `The cluster has run no work for ${(idlePeriods * EMR_METRIC_PERIOD_SECONDS) / 60} minutes and is still billed`,
    },
    {
      id: "apps-failed",
      metricName: "AppsFailed",
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      description: "A YARN application (Spark job) failed",
    },
    {
      id: "yarn-memory-low",
      metricName: "YARNMemoryAvailablePercentage",
      statistic: "Average",
      comparisonOperator: "LessThanThreshold",
      threshold: yarnMemoryAvailableBelowPercent,
      evaluationPeriods: 3,
      description: `Less than ${yarnMemoryAvailableBelowPercent}% of YARN memory available for 15 minutes`,
    },
    {
      id: "hdfs-utilization-high",
      metricName: "HDFSUtilization",
      statistic: "Average",
      comparisonOperator: "GreaterThanThreshold",
      threshold: hdfsUtilizationAbovePercent,
      evaluationPeriods: 2,
      description: `HDFS more than ${hdfsUtilizationAbovePercent}% full for 10 minutes; core nodes may start failing writes`,
    },
    {
      id: "unhealthy-nodes",
      metricName: "MRUnhealthyNodes",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 2,
      description: "A node has been UNHEALTHY (usually a full disk) for 10 minutes",
    },
    {
      id: "containers-pending",
      metricName: "ContainerPendingRatio",
      statistic: "Average",
      comparisonOperator: "GreaterThanThreshold",
      threshold: CONTAINER_PENDING_RATIO_LIMIT,
      evaluationPeriods: 6,
      description: `More than ${CONTAINER_PENDING_RATIO_LIMIT} pending containers per allocated container for 30 minutes; scaling is at its limit or stuck`,
    },
  ];
}

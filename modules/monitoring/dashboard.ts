/**
 * The cluster's CloudWatch dashboard body: the alarmed metrics plus the context needed to read them (running and
 * pending applications, node counts), with the alarm thresholds drawn in. Widgets and keys come out in a fixed
 * order, so the same inputs always give the same body and plans stay quiet.
 */
import { EMR_METRICS_NAMESPACE } from "../../contracts/emr";
import { CONTAINER_PENDING_RATIO_LIMIT, EMR_METRIC_PERIOD_SECONDS, type MonitoringConfig } from "./alarms";

interface MetricLine {
  readonly metric: string;
  readonly stat: "Average" | "Sum" | "Maximum";
}

interface WidgetSpec {
  readonly title: string;
  readonly lines: readonly MetricLine[];
  readonly threshold?: { readonly label: string; readonly value: number };
}

const WIDGET_WIDTH = 12;
const WIDGET_HEIGHT = 6;
const WIDGETS_PER_ROW = 24 / WIDGET_WIDTH;

function widgetSpecs(config: MonitoringConfig): WidgetSpec[] {
  return [
    {
      title: "YARN memory available (%)",
      lines: [{ metric: "YARNMemoryAvailablePercentage", stat: "Average" }],
      threshold: { label: "alarm", value: config.alarms.yarnMemoryAvailableBelowPercent },
    },
    {
      title: "Pending containers per allocated container",
      lines: [{ metric: "ContainerPendingRatio", stat: "Average" }],
      threshold: { label: "alarm", value: CONTAINER_PENDING_RATIO_LIMIT },
    },
    {
      title: "YARN applications",
      lines: [
        { metric: "AppsRunning", stat: "Average" },
        { metric: "AppsPending", stat: "Average" },
        { metric: "AppsFailed", stat: "Sum" },
      ],
    },
    {
      title: "HDFS utilization (%)",
      lines: [{ metric: "HDFSUtilization", stat: "Average" }],
      threshold: { label: "alarm", value: config.alarms.hdfsUtilizationAbovePercent },
    },
    {
      title: "Nodes",
      lines: [
        { metric: "CoreNodesRunning", stat: "Average" },
        { metric: "TaskNodesRunning", stat: "Average" },
        { metric: "MRUnhealthyNodes", stat: "Maximum" },
      ],
    },
    {
      title: "Idle (1 = no work running)",
      lines: [{ metric: "IsIdle", stat: "Average" }],
    },
  ];
}

/** The dashboard_body JSON. `clusterId` may be a CDKTF token (resolved at synth). */
export function buildDashboardBody(config: MonitoringConfig, clusterId: string): string {
  const widgets = widgetSpecs(config).map((spec, index) => ({
    type: "metric",
    x: (index % WIDGETS_PER_ROW) * WIDGET_WIDTH,
    y: Math.floor(index / WIDGETS_PER_ROW) * WIDGET_HEIGHT,
    width: WIDGET_WIDTH,
    height: WIDGET_HEIGHT,
    properties: {
      title: spec.title,
      region: config.region,
      view: "timeSeries",
      period: EMR_METRIC_PERIOD_SECONDS,
      metrics: spec.lines.map((line) => [EMR_METRICS_NAMESPACE, line.metric, "JobFlowId", clusterId, { stat: line.stat }]),
      ...(spec.threshold ? { annotations: { horizontal: [spec.threshold] } } : {}),
    },
  }));
  return JSON.stringify({ widgets });
}

import { environmentInput, loadEnvironment, parseEnvironment, type EnvironmentInput } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { buildClusterAlarms, idleAlarmPeriods } from "../../modules/monitoring/alarms";
import { buildDashboardBody } from "../../modules/monitoring/dashboard";
import { clusterFailedPattern, stepFailedPattern } from "../../modules/monitoring/event-patterns";
import { nonEmpty } from "./harness";

function variant(patch: (input: EnvironmentInput) => void): EnvironmentConfig {
  const input = environmentInput("dev");
  patch(input);
  return parseEnvironment(input);
}

describe("idleAlarmPeriods", () => {
  test("without auto-termination the idle alarm fires after one hour (12 x 5 min)", () => {
    expect(idleAlarmPeriods(loadEnvironment("prod"))).toBe(12);
  });

  test("with auto-termination it waits two periods past the idle timeout, rounded up to whole periods", () => {
    expect(idleAlarmPeriods(variant((i) => void (i.autoTermination = { enabled: true, idleTimeoutSeconds: 3600 })))).toBe(14);
    expect(idleAlarmPeriods(variant((i) => void (i.autoTermination = { enabled: true, idleTimeoutSeconds: 3601 })))).toBe(15);
  });

  test("never exceeds CloudWatch's one-day window for 5-minute periods", () => {
    expect(idleAlarmPeriods(variant((i) => void (i.autoTermination = { enabled: true, idleTimeoutSeconds: 604800 })))).toBe(288);
  });
});

describe("buildClusterAlarms", () => {
  test("one alarm per documented metric, with ids that make readable alarm names", () => {
    expect(buildClusterAlarms(loadEnvironment("dev")).map((a) => [a.id, a.metricName])).toEqual([
      ["idle", "IsIdle"],
      ["apps-failed", "AppsFailed"],
      ["yarn-memory-low", "YARNMemoryAvailablePercentage"],
      ["hdfs-utilization-high", "HDFSUtilization"],
      ["unhealthy-nodes", "MRUnhealthyNodes"],
      ["containers-pending", "ContainerPendingRatio"],
    ]);
  });

  test("descriptions state the configured thresholds", () => {
    const alarms = buildClusterAlarms(variant((i) => void (i.alarms = { yarnMemoryAvailableBelowPercent: 12.5 })));
    expect(alarms.find((a) => a.id === "yarn-memory-low")?.description).toBe("Less than 12.5% of YARN memory available for 15 minutes");
  });
});

describe("buildDashboardBody", () => {
  const dev = loadEnvironment("dev");
  const body = JSON.parse(buildDashboardBody(dev, "j-TEST"));

  test("six metric widgets in two columns, in the configured region", () => {
    expect(body.widgets).toHaveLength(6);
    expect(body.widgets.map((w: any) => [w.x, w.y, w.width, w.height])).toEqual([
      [0, 0, 12, 6],
      [12, 0, 12, 6],
      [0, 6, 12, 6],
      [12, 6, 12, 6],
      [0, 12, 12, 6],
      [12, 12, 12, 6],
    ]);
    for (const w of nonEmpty<any>(body.widgets)) expect(w.properties).toMatchObject({ region: "eu-west-1", period: 300, view: "timeSeries" });
  });

  test("every metric is the cluster's (JobFlowId dimension)", () => {
    for (const w of nonEmpty<any>(body.widgets)) {
      for (const m of nonEmpty<any[]>(w.properties.metrics)) expect(m.slice(0, 4)).toEqual(["AWS/ElasticMapReduce", m[1], "JobFlowId", "j-TEST"]);
    }
  });

  test("alarm thresholds are drawn on the YARN memory, pending ratio and HDFS widgets", () => {
    const thresholds = Object.fromEntries(
      body.widgets.filter((w: any) => w.properties.annotations).map((w: any) => [w.properties.title, w.properties.annotations.horizontal[0].value]),
    );
    expect(thresholds).toEqual({
      "YARN memory available (%)": 10,
      "Pending containers per allocated container": 0.75,
      "HDFS utilization (%)": 80,
    });
  });

  test("the same inputs give the same body", () => {
    expect(buildDashboardBody(structuredClone(dev), "j-TEST")).toBe(buildDashboardBody(dev, "j-TEST"));
  });
});

describe("EMR failure event patterns", () => {
  test("match this cluster's terminations with errors and its failed steps", () => {
    expect(JSON.parse(clusterFailedPattern("j-1"))).toEqual({
      source: ["aws.emr"],
      "detail-type": ["EMR Cluster State Change"],
      detail: { clusterId: ["j-1"], state: ["TERMINATED_WITH_ERRORS"] },
    });
    expect(JSON.parse(stepFailedPattern("j-1"))).toEqual({
      source: ["aws.emr"],
      "detail-type": ["EMR Step Status Change"],
      detail: { clusterId: ["j-1"], state: ["FAILED"] },
    });
  });
});

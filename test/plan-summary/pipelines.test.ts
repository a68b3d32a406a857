import { loadEnvironment } from "../../environments";
import { groupCapacityAt } from "../../modules/emr-cluster/capacity-model";
import { estimateCost } from "../../scripts/plan-summary/cost";
import { formatPipeline, summarizePipelines } from "../../scripts/plan-summary/pipelines";
import { loadPriceTable } from "../../environments/instance-types";

const prices = loadPriceTable();

describe("pipelines in the plan summary", () => {
  test("staging: runtime, steps, enabled schedule and trigger, the transient cluster's cost from the same spec", () => {
    const config = loadEnvironment("staging");
    const [financial, smoke] = summarizePipelines(config, prices);
    expect(financial).toMatchObject({
      name: "financialDaily",
      runtime: "transient",
      steps: ["quality_gate", "process", "archive"],
      schedule: { cron: "0 2 * * ? *", timezone: "Europe/London" },
      trigger: { prefix: "raw/ohlcv/", marker: "_SUCCESS" },
    });
    // No capacity override and no task nodes at the start: the environment's cluster at its minimum.
    expect(financial.clusterCost?.hourly).toBeCloseTo(estimateCost(prices, config.region, groupCapacityAt(config, "min")).hourly, 6);
    expect(smoke).toMatchObject({ runtime: "cluster", steps: ["smoke_small | smoke_large"], clusterCost: null });
    expect(formatPipeline(financial)[1]).toMatch(/schedule cron\(0 2 \* \* \? \*\) Europe\/London, on s3 raw\/ohlcv\/…\/_SUCCESS; transient cluster \$\d+\.\d{3}\/h/);
  });

  test("capacity from the environment changes the transient cost; a disabled schedule is shown as such", () => {
    const dev = loadEnvironment("dev");
    const [financial] = summarizePipelines(dev, prices);
    expect(financial.schedule).toBeNull();
    const devMin = estimateCost(prices, dev.region, groupCapacityAt(dev, "min")).hourly;
    expect(financial.clusterCost?.hourly).toBeLessThan(devMin); // coreCount 1 instead of 2
    expect(formatPipeline(financial)[1]).toMatch(/^\s+no schedule, on s3/);
  });

  test("the local endpoint bills nothing", () => {
    const [financial] = summarizePipelines(loadEnvironment("local"), prices);
    expect(financial.clusterCost).toBeNull();
    expect(formatPipeline(financial)[1]).toContain("transient cluster (not billed)");
  });

  test("a pipeline the environment moves to serverless is listed on serverless, without a cluster cost", () => {
    const tracker = summarizePipelines(loadEnvironment("local"), prices).find((p) => p.name === "trackerDaily");
    expect(tracker).toMatchObject({ runtime: "serverless", steps: ["aggregate", "compare_official"], clusterCost: null });
    expect(formatPipeline(tracker!)).toEqual([
      expect.stringMatching(/^ {4}trackerDaily {4}serverless aggregate → compare_official$/),
      expect.stringMatching(/no schedule; job runs on the environment's EMR Serverless application/),
    ]);
    expect(summarizePipelines(loadEnvironment("dev"), prices).find((p) => p.name === "trackerDaily")?.runtime).toBe("cluster");
  });
});

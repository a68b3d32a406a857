import { loadEnvironment } from "../../environments";
import { groupCapacityAt, type GroupCapacity } from "../../modules/emr-cluster/capacity-model";
import { estimateCost, instanceHourly } from "../../scripts/plan-summary/cost";
import { loadPriceTable, priceOf } from "../../environments/instance-types";

const prices = loadPriceTable();
const REGION = "eu-west-1";
const TYPE = "m6i.xlarge";
const price = priceOf(prices, REGION, TYPE)!;
const spotEc2 = price.ec2 * (1 - prices.spot.discountOffOnDemand);
const group = (role: GroupCapacity["role"], count: number, market: GroupCapacity["market"], instanceType = TYPE): GroupCapacity => ({
  role,
  instanceType,
  market,
  count,
});

describe("instanceHourly", () => {
  it("adds the EMR uplift to on-demand EC2", () => {
    expect(instanceHourly(prices, REGION, TYPE, "ON_DEMAND")).toBeCloseTo(price.ec2 + price.emr, 10);
  });

  it("discounts only the EC2 part of a spot instance", () => {
    expect(instanceHourly(prices, REGION, TYPE, "SPOT")).toBeCloseTo(spotEc2 + price.emr, 10);
    expect(instanceHourly(prices, REGION, TYPE, "SPOT")!).toBeGreaterThan(price.emr);
  });

  it("returns null for a type or region the table does not list", () => {
    expect(instanceHourly(prices, REGION, "x2iedn.32xlarge", "ON_DEMAND")).toBeNull();
    expect(instanceHourly(prices, "ap-south-2", TYPE, "ON_DEMAND")).toBeNull();
  });
});

describe("estimateCost", () => {
  it("prices 1 master + 2 core on-demand with 0 and 4 spot task nodes from the table", () => {
    const onDemand = price.ec2 + price.emr;
    const min = estimateCost(prices, REGION, [group("master", 1, "ON_DEMAND"), group("core", 2, "ON_DEMAND"), group("task", 0, "SPOT")]);
    const max = estimateCost(prices, REGION, [group("master", 1, "ON_DEMAND"), group("core", 2, "ON_DEMAND"), group("task", 4, "SPOT")]);
    expect(min.hourly).toBeCloseTo(3 * onDemand, 10);
    expect(max.hourly).toBeCloseTo(3 * onDemand + 4 * (spotEc2 + price.emr), 10);
    expect(max.groups.map((g) => g.hourly)).toEqual([
      expect.closeTo(onDemand, 10),
      expect.closeTo(2 * onDemand, 10),
      expect.closeTo(4 * (spotEc2 + price.emr), 10),
    ]);
    expect([min.complete, max.complete]).toEqual([true, true]);
  });

  it("matches dev's config at both ends of its range", () => {
    const dev = loadEnvironment("dev");
    const perInstance = (market: GroupCapacity["market"]) => instanceHourly(prices, dev.region, dev.instances.core.instanceType, market)!;
    expect(estimateCost(prices, dev.region, groupCapacityAt(dev, "max")).hourly).toBeCloseTo(3 * perInstance("ON_DEMAND") + 4 * perInstance("SPOT"), 10);
  });

  it("names an unknown instance type and region, and returns the known part as a lower bound", () => {
    const estimate = estimateCost(prices, REGION, [group("master", 1, "ON_DEMAND"), group("core", 2, "ON_DEMAND", "z9.mega")]);
    expect(estimate.complete).toBe(false);
    expect(estimate.hourly).toBeCloseTo(price.ec2 + price.emr, 10);
    expect(estimate.groups[1].hourly).toBeNull();
    expect(estimate.unknown).toEqual(["no price for z9.mega in eu-west-1 (core group); fix: add it to environments/instance-types.json"]);
  });

  it("does not call a group of zero instances unknown", () => {
    const estimate = estimateCost(prices, REGION, [group("master", 1, "ON_DEMAND"), group("task", 0, "SPOT", "z9.mega")]);
    expect(estimate.complete).toBe(true);
    expect(estimate.unknown).toEqual([]);
  });
});

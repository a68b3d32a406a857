/** Pricing instance fleets: a range from the cheapest mix that meets the target units to the dearest, each named. */
import { environmentInput, loadEnvironment, parseEnvironment } from "../../environments";
import { fleetCapacityAt, type FleetCapacity } from "../../modules/emr-cluster/capacity-model";
import { estimateFleetCost, fleetInstanceHourly, formatMix } from "../../scripts/plan-summary/fleet-cost";
import { formatEnvironment, formatScaling } from "../../scripts/plan-summary/format";
import { loadPriceTable, PriceTableError, type PriceTable } from "../../environments/instance-types";
import { summarizeEnvironment } from "../../scripts/plan-summary/summary";
import { run } from "../../scripts/plan-summary/cli";

const prices = loadPriceTable();
/** A two-type table small enough to price by hand: a is 3 units for $1.00 (on-demand), b is 2 units for $0.80. */
const tiny: PriceTable = { ...prices, spot: { ...prices.spot, discountOffOnDemand: 0.5 }, regions: { "eu-west-1": { "a.xlarge": { ec2: 0.9, emr: 0.1 }, "b.xlarge": { ec2: 0.7, emr: 0.1 } } } };
const fleet = (onDemandUnits: number, spotUnits = 0): FleetCapacity => ({
  role: "task",
  types: [
    { instanceType: "a.xlarge", weightedCapacity: 3 },
    { instanceType: "b.xlarge", weightedCapacity: 2 },
  ],
  onDemandUnits,
  spotUnits,
});

describe("estimateFleetCost", () => {
  it("the cheapest mix is the exact minimum over whole instances, overshoot allowed", () => {
    // 4 units: 2×b ($1.60) beats a+b ($1.80) and 2×a ($2.00).
    expect(estimateFleetCost(tiny, "eu-west-1", [fleet(4)]).fleets[0].cheapest).toEqual({ parts: [{ instanceType: "b.xlarge", market: "ON_DEMAND", count: 2 }], hourly: expect.closeTo(1.6, 10) });
    // 5 units: a+b ($1.80, 5 units) beats 2×a ($2.00) and 3×b ($2.40).
    const five = estimateFleetCost(tiny, "eu-west-1", [fleet(5)]).fleets[0];
    expect(five.cheapest.hourly).toBeCloseTo(1.8, 10);
    expect(five.cheapest.parts.map((p) => [p.instanceType, p.count]).sort()).toEqual([["a.xlarge", 1], ["b.xlarge", 1]]);
    // The dearest single-type cover of 5 units: 3×b ($2.40) over 2×a ($2.00).
    expect(five.dearest).toEqual({ parts: [{ instanceType: "b.xlarge", market: "ON_DEMAND", count: 3 }], hourly: expect.closeTo(2.4, 10) });
  });

  it("prices spot at the table's discount, capped by the type's bid %, with the EMR uplift in full", () => {
    expect(fleetInstanceHourly(tiny, "eu-west-1", { instanceType: "a.xlarge", weightedCapacity: 3 }, "SPOT", "task")).toBeCloseTo(0.45 + 0.1, 10);
    expect(fleetInstanceHourly(tiny, "eu-west-1", { instanceType: "a.xlarge", weightedCapacity: 3, bidPriceAsPercentageOfOnDemandPrice: 20 }, "SPOT", "task")).toBeCloseTo(0.18 + 0.1, 10);
    const mixed = estimateFleetCost(tiny, "eu-west-1", [fleet(2, 3)]);
    expect(formatMix(mixed.fleets[0].cheapest)).toBe("1× b.xlarge on-demand + 1× a.xlarge spot");
    expect(mixed.cheapest).toBeCloseTo(0.8 + 0.55, 10);
  });

  it("fails naming the type, region and fleet when the table has no price", () => {
    const missing = { ...fleet(1), types: [{ instanceType: "z9.metal", weightedCapacity: 1 }] };
    expect(() => estimateFleetCost(tiny, "eu-west-1", [missing])).toThrow(PriceTableError);
    expect(() => estimateFleetCost(tiny, "eu-west-1", [missing])).toThrow(/no price for z9\.metal in eu-west-1 \(task fleet\).*fix: add the type's row/);
  });

  it("prices prod at both ends: 5 on-demand units at min; 16 spot task units more at max, from the cheapest per-unit types", () => {
    const prod = loadEnvironment("prod");
    const min = estimateFleetCost(prices, prod.region, fleetCapacityAt(prod, "min"));
    const max = estimateFleetCost(prices, prod.region, fleetCapacityAt(prod, "max"));
    // eu-west-1: m6i.2xlarge 0.428 + 0.096; r6i.2xlarge 0.564 + 0.126 (on-demand); spot r6i.2xlarge 0.564 × 0.35 + 0.126.
    expect(min.cheapest).toBeCloseTo(0.524 + 4 * 0.69, 6);
    const spotUnit = 0.564 * 0.35 + 0.126;
    expect(max.cheapest).toBeCloseTo(0.524 + 4 * 0.69 + 16 * spotUnit, 6);
    expect(max.fleets.find((f) => f.role === "task")?.cheapest.parts.every((p) => p.market === "SPOT")).toBe(true);
    // The dearest spot unit is a 4xlarge m type (64 GiB but 16 vCPU): 0.856 × 0.35 + 0.192.
    expect(max.dearest - max.cheapest).toBeCloseTo(16 * (0.856 * 0.35 + 0.192 - spotUnit), 6);
    expect(max.dearest).toBeGreaterThan(max.cheapest);
  });
});

describe("the plan summary of a fleets environment", () => {
  const prod = loadEnvironment("prod");
  const summary = summarizeEnvironment({ config: prod, prices, stack: { problem: "not synthesized in this test" } });

  it("lists fleets (no groups), scaling in units, and a cost range instead of a point", () => {
    expect(summary.instanceGroups).toEqual([]);
    expect(summary.instanceFleets.map((f) => [f.role, f.targetOnDemandUnits, f.targetSpotUnits, f.types.length])).toEqual([
      ["master", 1, 0, 2],
      ["core", 4, 0, 2],
      ["task", 0, 2, 6],
    ]);
    expect(summary.instanceFleets[2]).toMatchObject({ spotAllocationStrategy: "price-capacity-optimized", onDemandAllocationStrategy: "lowest-price" });
    expect(summary.cost).toBeNull();
    expect(summary.fleetCost?.max.dearest).toBeGreaterThan(summary.fleetCost?.max.cheapest ?? Infinity);
    expect(formatScaling(summary.scaling)).toBe("managed scaling: 4–20 core+task units (core ≤ 4, on-demand ≤ 4)");
  });

  it("prints the fleets and both mixes at each end", () => {
    const text = formatEnvironment(summary);
    expect(text).toContain("  instance fleets");
    expect(text).toMatch(/task {3}0 on-demand \+ 2 spot units\s+on-demand lowest-price, spot price-capacity-optimized/);
    expect(text).toMatch(/cost\/hour {7}\$\d+\.\d{3}–\$\d+\.\d{3} at min … \$\d+\.\d{3}–\$\d+\.\d{3} at max/);
    expect(text).toMatch(/max cheapest: master 1× m6i\.2xlarge on-demand, core 4× r6i\.2xlarge on-demand, task 16× r6i\.2xlarge spot/);
    expect(text).toMatch(/max dearest: {2}.*task 16× m6i\.4xlarge spot/);
    expect(text).not.toContain("instance groups");
  });

  it("the transient pipeline on fleets is priced as a range too", () => {
    const financial = summary.pipelines.find((p) => p.name === "financialDaily");
    expect(financial?.clusterCost).toBeNull();
    expect(financial?.clusterCostRange?.cheapest).toBeGreaterThan(0);
    expect(financial?.clusterCostRange?.dearest).toBeGreaterThanOrEqual(financial?.clusterCostRange?.cheapest ?? Infinity);
  });
});

describe("summary CLI", () => {
  it("fails with one line naming the type when a fleet names a type the price file lacks", async () => {
    const input = environmentInput("prod");
    expect(parseEnvironment(input).fleets).toBeDefined();
    const { mkdtempSync, writeFileSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const table = JSON.parse(readFileSync(join(__dirname, "../../environments/instance-types.json"), "utf8"));
    delete table.regions["eu-west-1"]["r5.4xlarge"];
    const dir = mkdtempSync(join(tmpdir(), "prices-"));
    writeFileSync(join(dir, "prices.json"), JSON.stringify(table));
    let stderr = "";
    const code = await run(["--env", "prod", "--prices", join(dir, "prices.json"), "--outdir", dir], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => ((stderr += s), true) },
    } as never);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/no price for r5\.4xlarge in eu-west-1 \(task fleet\)/);
  });
});

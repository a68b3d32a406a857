/** The plan summary's EMR Serverless line: the ceiling's and the pre-warmed workers' cost per hour. */
import { environmentInput, loadEnvironment, parseEnvironment } from "../../environments";
import { PriceTableError } from "../../environments/instance-types";
import { loadServerlessPriceTable, parseServerlessPriceTable } from "../../environments/serverless-prices";
import { formatServerless } from "../../scripts/plan-summary/format";
import { estimateServerlessCost } from "../../scripts/plan-summary/serverless-cost";
import { summarizeEnvironment } from "../../scripts/plan-summary/summary";
import { loadPriceTable } from "../../environments/instance-types";

/** Round numbers, so the expected totals are worked by hand. */
const table = parseServerlessPriceTable({
  about: "test",
  source: "test",
  compiled: "2026-12-04",
  accuracy: "test",
  currency: "USD",
  freeStorageGbPerWorker: 20,
  excludes: "nothing",
  regions: {
    "eu-west-1": { ARM64: { vcpuHour: 0.04, memoryGbHour: 0.004 }, X86_64: { vcpuHour: 0.05, memoryGbHour: 0.005 }, storageGbHour: 0.0001 },
  },
});

const withServerless = (serverless: object, region?: string) =>
  parseEnvironment({ ...environmentInput("dev"), ...(region ? { region } : {}), serverless: { enabled: true, ...serverless } });

describe("estimateServerlessCost", () => {
  test("prices the maximum capacity at the architecture's rates, disk beyond 20 GB for each of the fewest workers", () => {
    const estimate = estimateServerlessCost(table, withServerless({ maximumCapacity: { cpuVcpu: 64, memoryGb: 256, diskGb: 1000 } }));
    // 64 × 0.04 + 256 × 0.004 + (1000 − 4 workers × 20) × 0.0001 = 2.56 + 1.024 + 0.092
    expect("cost" in estimate && estimate.cost.maximumHourly).toBeCloseTo(3.676, 6);
    const x86 = estimateServerlessCost(table, withServerless({ architecture: "X86_64", maximumCapacity: { cpuVcpu: 64, memoryGb: 256, diskGb: 1000 } }));
    // 64 × 0.05 + 256 × 0.005 + 920 × 0.0001
    expect("cost" in x86 && x86.cost.maximumHourly).toBeCloseTo(4.572, 6);
  });

  test("prices the pre-warmed workers, their disk beyond 20 GB each; none costs 0", () => {
    const estimate = estimateServerlessCost(
      table,
      withServerless({ initialCapacity: { driver: { count: 1, cpu: 2, memoryGb: 8 }, executor: { count: 3, cpu: 4, memoryGb: 16, diskGb: 50 } } }),
    );
    // driver: 2 × 0.04 + 8 × 0.004 = 0.112; executors: 3 × (4 × 0.04 + 16 × 0.004 + 30 × 0.0001) = 3 × 0.227 = 0.681
    expect(estimate).toEqual({ cost: expect.objectContaining({ prewarmedWorkers: 4, prewarmedHourly: expect.closeTo(0.793, 6) }) });
    expect(estimateServerlessCost(table, withServerless({}))).toEqual({ cost: expect.objectContaining({ prewarmedWorkers: 0, prewarmedHourly: 0 }) });
  });

  test("names a region the table does not price, and the fix", () => {
    expect(estimateServerlessCost(table, withServerless({}, "us-east-1"))).toEqual({
      unknown: "no EMR Serverless price for us-east-1; fix: add the region to environments/serverless-prices.json",
    });
  });
});

describe("the checked-in table and the summary", () => {
  test("the table loads, covers every region the instance-type table prices, and cites its source", () => {
    const checkedIn = loadServerlessPriceTable();
    expect(Object.keys(checkedIn.regions).sort()).toEqual(Object.keys(loadPriceTable().regions).sort());
    expect(checkedIn.source).toMatch(/aws\.amazon\.com\/emr\/pricing/);
  });

  test("a malformed table is one PriceTableError naming the field", () => {
    expect(() => parseServerlessPriceTable({ ...table, freeStorageGbPerWorker: -1 }, "bad.json")).toThrow(PriceTableError);
    expect(() => parseServerlessPriceTable({ ...table, freeStorageGbPerWorker: -1 }, "bad.json")).toThrow(/^bad\.json: freeStorageGbPerWorker: /);
  });

  test("dev's summary carries the application's line; staging's none; local's is not billed", () => {
    const summarize = (name: string) => summarizeEnvironment({ config: loadEnvironment(name), prices: loadPriceTable(), serverlessPrices: table, stack: { problem: "not synthesized" } });
    const dev = summarize("dev").serverless;
    expect(dev?.cost).toEqual({ cost: expect.objectContaining({ architecture: "ARM64", maximumHourly: expect.closeTo(3.676, 6) }) });
    expect(formatServerless(dev!.cost)).toEqual([
      "  serverless      ARM64 application ≤ $3.676/h at maximum capacity (64 vCPU, 256 GB, 1000 GB disk)",
      "                  no pre-warmed workers",
    ]);
    expect(summarize("staging").serverless).toBeUndefined();
    expect(summarize("local").serverless).toEqual({ cost: null });
    expect(formatServerless(null)).toEqual(["  serverless      n/a (local endpoint: nothing is billed)"]);
  });
});

/** The plan summary's streaming line: the ticks stream's cost per hour by capacity mode. */
import { environmentInput, loadEnvironment, parseEnvironment } from "../../environments";
import { loadPriceTable, PriceTableError } from "../../environments/instance-types";
import { loadKinesisPriceTable, parseKinesisPriceTable } from "../../environments/kinesis-prices";
import { formatStreaming, formatSummaries } from "../../scripts/plan-summary/format";
import { estimateStreamingCost } from "../../scripts/plan-summary/streaming-cost";
import { summarizeEnvironment } from "../../scripts/plan-summary/summary";

/** Round numbers, so the expected totals are worked by hand. */
const table = parseKinesisPriceTable({
  about: "test",
  source: "test source",
  compiled: "2026-12-04",
  accuracy: "test",
  currency: "USD",
  excludes: "nothing",
  regions: { "eu-west-1": { onDemand: { streamHour: 0.05, ingestedGb: 0.1 }, provisioned: { shardHour: 0.02 } } },
});

const withStream = (stream: object, region?: string) =>
  parseEnvironment({ ...environmentInput("dev"), ...(region ? { region } : {}), streaming: { enabled: true, stream } });

describe("estimateStreamingCost", () => {
  test("ON_DEMAND: the stream-hour, and the per-GB rate of what is written", () => {
    expect(estimateStreamingCost(table, withStream({ mode: "ON_DEMAND" }))).toEqual({ cost: { mode: "ON_DEMAND", hourly: 0.05, perGbWritten: 0.1 } });
  });

  test("PROVISIONED: shards × the shard-hour; the on-demand rates do not enter", () => {
    expect(estimateStreamingCost(table, withStream({ mode: "PROVISIONED", shards: 4 }))).toEqual({
      cost: { mode: "PROVISIONED", shards: 4, hourly: expect.closeTo(0.08, 9) },
    });
  });

  test("names a region the table does not price, and the fix", () => {
    expect(estimateStreamingCost(table, withStream({}, "us-east-1"))).toEqual({
      unknown: "no Kinesis price for us-east-1; fix: add the region to environments/kinesis-prices.json",
    });
  });
});

describe("the checked-in table and the summary", () => {
  test("the table loads, covers every region the instance-type table prices, and cites its source", () => {
    const checkedIn = loadKinesisPriceTable();
    expect(Object.keys(checkedIn.regions).sort()).toEqual(Object.keys(loadPriceTable().regions).sort());
    expect(checkedIn.source).toMatch(/aws\.amazon\.com\/kinesis\/data-streams\/pricing/);
  });

  test("a malformed table is one PriceTableError naming the field", () => {
    const bad = { ...table, regions: { "eu-west-1": { onDemand: { streamHour: 0.05 }, provisioned: { shardHour: 0.02 } } } };
    expect(() => parseKinesisPriceTable(bad, "bad.json")).toThrow(PriceTableError);
    expect(() => parseKinesisPriceTable(bad, "bad.json")).toThrow(/^bad\.json: regions\.eu-west-1\.onDemand\.ingestedGb: /);
  });

  test("dev's summary carries the stream's line and the price note; staging's none; local's is not billed", () => {
    const summarize = (name: string) =>
      summarizeEnvironment({ config: loadEnvironment(name), prices: loadPriceTable(), kinesisPrices: table, stack: { problem: "not synthesized" } });
    const dev = summarize("dev");
    expect(dev.streaming?.cost).toEqual({ cost: { mode: "ON_DEMAND", hourly: 0.05, perGbWritten: 0.1 } });
    const text = formatSummaries([dev], loadPriceTable(), undefined, table);
    expect(text).toContain("  streaming       ON_DEMAND Kinesis stream $0.050/h + $0.100 per GB written");
    expect(text).toMatch(/^Kinesis: ON_DEMAND per stream-hour plus per GB written, PROVISIONED per shard-hour\.\nPrices: test source; compiled 2026-12-04/m);
    expect(summarize("staging").streaming).toBeUndefined();
    expect(formatSummaries([summarize("staging")], loadPriceTable(), undefined, table)).not.toContain("Kinesis");
    expect(summarize("local").streaming).toEqual({ cost: null });
    expect(formatStreaming(null)).toBe("  streaming       n/a (local endpoint: nothing is billed)");
    expect(formatStreaming({ cost: { mode: "PROVISIONED", shards: 1, hourly: 0.02 } })).toBe("  streaming       PROVISIONED Kinesis stream, 1 shard: $0.020/h");
  });
});

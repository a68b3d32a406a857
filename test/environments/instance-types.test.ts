import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAllEnvironments } from "../../environments";
import { DEFAULT_PRICES_PATH, PriceTableError, loadPriceTable, parsePriceTable, priceOf } from "../../environments/instance-types";

const raw = () => JSON.parse(readFileSync(DEFAULT_PRICES_PATH, "utf8"));

describe("the checked-in price table", () => {
  it("names its source, date and spot assumption", () => {
    const table = loadPriceTable();
    expect(table.source).toMatch(/EC2 On-Demand pricing page.*Amazon EMR pricing page/);
    expect(table.compiled).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.accuracy).toMatch(/Approximate/);
    expect(table.spot.discountOffOnDemand).toBeGreaterThan(0);
    expect(table.spot.assumption).toMatch(/estimate|typical/);
  });

  it("prices every instance type each billed environment uses, in its region", () => {
    const table = loadPriceTable();
    const billed = loadAllEnvironments().filter((env) => !env.endpoint);
    expect(billed.map((env) => env.name)).toEqual(["dev", "staging", "prod"]);
    const missing = billed.flatMap((env) =>
      Object.values(env.instances)
        .filter((g) => !priceOf(table, env.region, g.instanceType))
        .map((g) => `${env.name}: ${g.instanceType} in ${env.region}`),
    );
    expect(missing).toEqual([]);
  });

  it("has an EMR uplift below the EC2 price for every entry", () => {
    const entries = Object.values(loadPriceTable().regions).flatMap((r) => Object.entries(r));
    expect(entries.filter(([, p]) => p.emr >= p.ec2).map(([type]) => type)).toEqual([]);
    expect(entries.length).toBeGreaterThanOrEqual(20);
  });
});

describe("parsePriceTable", () => {
  it("fails if a price is not positive, naming where", () => {
    const table = raw();
    table.regions["eu-west-1"]["m6i.xlarge"].ec2 = -1;
    expect(() => parsePriceTable(table)).toThrow(/regions\.eu-west-1\.m6i\.xlarge\.ec2/);
  });

  it("fails if the date or the spot discount is malformed", () => {
    expect(() => parsePriceTable({ ...raw(), compiled: "last week" })).toThrow(/compiled: not a date/);
    expect(() => parsePriceTable({ ...raw(), spot: { ...raw().spot, discountOffOnDemand: 1.2 } })).toThrow(/spot\.discountOffOnDemand/);
  });

  it("fails with one line for a file that is not JSON", () => {
    const path = join(mkdtempSync(join(tmpdir(), "prices-")), "prices.json");
    writeFileSync(path, "{ not json");
    expect(() => loadPriceTable(path)).toThrow(PriceTableError);
    expect(() => loadPriceTable(path)).toThrow(/prices\.json: not valid JSON$/);
  });
});

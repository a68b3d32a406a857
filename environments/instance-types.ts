/**
 * The one table of instance types per region, with their prices (environments/instance-types.json): the schema checks
 * instance types against it, and the plan summary (scripts/plan-summary/pricing.ts) prices clusters from it.
 */
import table from "./instance-types.json";

/** Repository path of the table, for messages that tell the reader where to add a row. */
export const INSTANCE_TYPE_TABLE = "environments/instance-types.json";

const regions: Record<string, Record<string, unknown>> = table.regions;

/** Regions the table covers. */
export function tableRegions(): string[] {
  return Object.keys(regions);
}

/** The instance types listed for `region`, or undefined when the table has no rows for it. */
export function instanceTypesIn(region: string): string[] | undefined {
  const rows = Object.hasOwn(regions, region) ? regions[region] : undefined;
  return rows ? Object.keys(rows) : undefined;
}

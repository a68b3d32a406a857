/**
 * The catalog's tables as `tables` shows them: one row per Glue table with where its data is, how it is partitioned
 * and its file format. Pure apart from `listGlueTables`, so the rules are testable without Glue.
 */
import { type GlueClient, GetTablesCommand, type Table } from "@aws-sdk/client-glue";

export interface TableRow {
  name: string;
  /** The partition-projection template when the table has one (it is where Athena reads), else its LOCATION. */
  location: string;
  /** `date:string`, in key order. */
  partitionKeys: string[];
  format: string;
}

/** Every table of `database`, following GetTables' NextToken. */
export async function listGlueTables(glue: GlueClient, database: string): Promise<Table[]> {
  const tables: Table[] = [];
  let NextToken: string | undefined;
  do {
    const page = await glue.send(new GetTablesCommand({ DatabaseName: database, NextToken }));
    tables.push(...(page.TableList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return tables;
}

/**
 * parquet/json/csv from the SerDe or input format (what Athena reads the files with), else the `classification`
 * parameter, else "unknown".
 */
export function tableFormat(table: Table): string {
  const sd = table.StorageDescriptor;
  const hints = `${sd?.SerdeInfo?.SerializationLibrary ?? ""} ${sd?.InputFormat ?? ""}`.toLowerCase();
  for (const format of ["parquet", "json", "orc", "avro"]) if (hints.includes(format)) return format;
  if (/lazysimpleserde|opencsvserde/.test(hints)) return "csv";
  return table.Parameters?.classification ?? "unknown";
}

export function tableRow(table: Table): TableRow {
  // With partition projection, Athena reads storage.location.template, not LOCATION ("Setting up partition
  // projection", Amazon Athena User Guide), so the template is the location that matters.
  const template = table.Parameters?.["projection.enabled"] === "true" ? table.Parameters["storage.location.template"] : undefined;
  return {
    name: table.Name ?? "",
    location: template ?? table.StorageDescriptor?.Location ?? "",
    partitionKeys: (table.PartitionKeys ?? []).map((k) => `${k.Name}:${k.Type ?? "?"}`),
    format: tableFormat(table),
  };
}

export function tableRows(tables: readonly Table[]): TableRow[] {
  return tables.map(tableRow).sort((a, b) => a.name.localeCompare(b.name));
}

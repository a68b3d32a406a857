/**
 * A finished Athena query's rows (GetQueryResults, every page) and their three renderings: an aligned table for
 * people, CSV and JSON for scripts. Values stay Athena's strings; NULL is null (JSON) or empty (CSV, table: NULL).
 */
import { type AthenaClient, GetQueryResultsCommand, type Row } from "@aws-sdk/client-athena";
import { table } from "./output";

export interface QueryResult {
  columns: string[];
  /** undefined: SQL NULL (Athena sends a Datum without VarCharValue). */
  rows: (string | undefined)[][];
}

export const OUTPUT_FORMATS = ["table", "csv", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const values = (row: Row): (string | undefined)[] => (row.Data ?? []).map((d) => d.VarCharValue);

/**
 * Every page of the results. A SELECT's (DML) first row on the first page repeats the column names
 * ("GetQueryResults", Athena API Reference; DDL results have no such row), so it is dropped when it does.
 */
export async function fetchQueryResults(athena: AthenaClient, id: string, statementType: string | undefined): Promise<QueryResult> {
  let columns: string[] = [];
  const rows: (string | undefined)[][] = [];
  let NextToken: string | undefined;
  let first = true;
  do {
    const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken }));
    const pageRows = page.ResultSet?.Rows ?? [];
    if (first) {
      columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Label ?? c.Name ?? "");
      const head = pageRows[0] ? values(pageRows[0]) : undefined;
      if (statementType !== "DDL" && head && head.length === columns.length && head.every((v, i) => v === columns[i])) pageRows.shift();
      first = false;
    }
    rows.push(...pageRows.map(values));
    NextToken = page.NextToken;
  } while (NextToken);
  return { columns, rows };
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
function csvField(value: string | undefined): string {
  if (value === undefined) return "";
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The result as lines to print. */
export function renderQueryResult(result: QueryResult, format: OutputFormat): string[] {
  switch (format) {
    case "csv":
      return [result.columns, ...result.rows].map((r) => r.map(csvField).join(","));
    case "json":
      return [JSON.stringify(result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i] ?? null]))), null, 2)];
    case "table":
      if (result.columns.length === 0) return ["(no columns)"];
      return [...table([result.columns, ...result.rows.map((r) => r.map((v) => v ?? "NULL"))]), `(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})`];
  }
}

import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { Construct } from "constructs";
import type { TableDeclaration } from "../../contracts/catalog-tables";
import { terraformLiteral } from "../../contracts/terraform-literal";
import { projectionParameters, type TableLocation } from "./table-location";

/**
 * Hive storage formats per table format (Athena: "Parquet SerDe", "OpenX JSON SerDe"). The JSON SerDe reads one
 * object per line, as `_metrics.json` is written.
 */
const FORMATS = {
  parquet: {
    inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
  },
  json: {
    inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
  },
  csv: {
    inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    serializationLibrary: "org.apache.hadoop.hive.serde2.OpenCSVSerde",
  },
} as const;

export interface CatalogTablesProps {
  readonly databaseName: string;
  /** `s3://<data bucket>/` (a token at synth time). */
  readonly bucketUri: string;
  readonly declarations: readonly { readonly table: TableDeclaration; readonly location: TableLocation }[];
}

/**
 * One external Glue table per declaration in spark-jobs/tables.json: columns and partition keys from the file, the
 * location from the pipelines (table-location.ts), partition projection on every partition key.
 */
export class CatalogTables extends Construct {
  readonly tables: GlueCatalogTable[];

  constructor(scope: Construct, id: string, props: CatalogTablesProps) {
    super(scope, id);
    this.tables = props.declarations.map(({ table, location }) => {
      const format = FORMATS[table.format];
      const source = `Declared in spark-jobs/tables.json; location from ${location.source}.`;
      return new GlueCatalogTable(this, table.name, {
        name: table.name,
        databaseName: props.databaseName,
        description: table.comment ? `${table.comment} ${source}` : source,
        tableType: "EXTERNAL_TABLE",
        // `${key}` in the template is Athena's placeholder, not a Terraform interpolation: escaped; the bucket stays a reference.
        parameters: {
          EXTERNAL: "TRUE",
          classification: table.format,
          // The jobs' csv files start with a header line.
          ...(table.format === "csv" ? { "skip.header.line.count": "1" } : {}),
          ...projectionParameters(location, `${props.bucketUri}${terraformLiteral(location.template)}`),
        },
        partitionKeys: location.keys.map((k) => ({ name: k.name, type: k.type })),
        storageDescriptor: {
          location: `${props.bucketUri}${location.prefix}`,
          inputFormat: format.inputFormat,
          outputFormat: format.outputFormat,
          serDeInfo: { name: table.format, serializationLibrary: format.serializationLibrary },
          columns: table.columns.map((c) => ({ name: c.name, type: c.type, ...(c.comment ? { comment: c.comment } : {}) })),
        },
      });
    });
  }
}

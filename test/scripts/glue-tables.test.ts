// The rules `tables` applies to each Glue table (pure): which format, which location, how partition keys read.
import type { Table } from "@aws-sdk/client-glue";
import { tableFormat, tableRow, tableRows } from "../../scripts/lib/glue-tables";
import { formatBytes } from "../../scripts/lib/output";

const serde = (library: string, inputFormat = ""): Table => ({ Name: "t", StorageDescriptor: { InputFormat: inputFormat, SerdeInfo: { SerializationLibrary: library } } });

describe("tableFormat", () => {
  it.each([
    ["org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", "parquet"],
    ["org.openx.data.jsonserde.JsonSerDe", "json"],
    ["org.apache.hive.hcatalog.data.JsonSerDe", "json"],
    ["org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", "csv"],
    ["org.apache.hadoop.hive.serde2.OpenCSVSerde", "csv"],
  ])("reads %s as %s", (library, format) => {
    expect(tableFormat(serde(library))).toBe(format);
  });

  it("falls back to the classification parameter, then unknown", () => {
    expect(tableFormat({ Name: "t", Parameters: { classification: "avro-ish" } })).toBe("avro-ish");
    expect(tableFormat({ Name: "t" })).toBe("unknown");
  });
});

describe("tableRow", () => {
  const projected: Table = {
    Name: "tracker_state_daily",
    PartitionKeys: [{ Name: "date", Type: "string" }],
    Parameters: { "projection.enabled": "true", "storage.location.template": "s3://d/processed/tracker/${date}/state_daily/" },
    StorageDescriptor: { Location: "s3://d/processed/tracker/" },
  };

  it("shows the projection template where Athena reads", () => {
    expect(tableRow(projected).location).toBe("s3://d/processed/tracker/${date}/state_daily/");
  });

  it("shows LOCATION when projection is off, even with a template left behind", () => {
    expect(tableRow({ ...projected, Parameters: { ...projected.Parameters, "projection.enabled": "false" } }).location).toBe("s3://d/processed/tracker/");
  });

  it("sorts rows by name", () => {
    expect(tableRows([{ Name: "runs" }, { Name: "fraud_scored" }, { Name: "dedup_kept" }]).map((r) => r.name)).toEqual(["dedup_kept", "fraud_scored", "runs"]);
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KiB"],
    [10 * 1024 ** 3, "10.0 GiB"],
  ])("%d → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

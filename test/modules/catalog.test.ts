/** The catalog (modules/catalog): Glue database and tables from spark-jobs/tables.json, Athena workgroup, metastore, grants. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { declaredPipelines, loadEnvironment } from "../../environments";
import { STACK_OUTPUTS } from "../../contracts/stack-outputs";
import { loadTableDeclarations, type TableDeclaration } from "../../contracts/catalog-tables";
import { terraformRendered } from "../../contracts/terraform-literal";
import { tableLocation } from "../../modules/catalog/table-location";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { documentStatements, nonEmpty, policyStatements, resources, type TerraformJson } from "./harness";

const FACTORY = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory";

const stack = new EmrPlatformStack(Testing.app(), "emr-dev", loadEnvironment("dev", {}));
Testing.fullSynth(stack); // throws when the policy guard annotated an error
const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
const declarations = loadTableDeclarations();
const tables = Object.fromEntries(resources(json, "aws_glue_catalog_table").map(([, t]) => [t.name as string, t]));

const only = (type: string) => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0][1];
};

const table = (name: string, job: string, dataset: string, partitions: { name: string; type: string }[] = []): TableDeclaration => ({
  name, job, dataset, format: "parquet", comment: "", columns: [{ name: "x", type: "string", comment: "" }], partitions,
});

describe("loadTableDeclarations (spark-jobs/tables.json)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tables-"));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  test("reads the checked-in file sorted by name, each with columns", () => {
    const names = nonEmpty(declarations).map((d) => d.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(["fraud_scored", "runs", "tracker_state_daily"]));
  });

  test("fails if the file is missing, not JSON, or off the contract — one line naming the fix", () => {
    expect(() => loadTableDeclarations(join(dir, "absent.json"))).toThrow(/absent\.json not found; fix: cd spark-jobs && python -m emr_jobs\.tables --write/);
    expect(() => loadTableDeclarations(file("bad.json", "{"))).toThrow(/bad\.json is not JSON .*; fix:/);
    const noColumns = JSON.stringify({ tables: [{ name: "Bad-Name", job: "dedup", dataset: "kept", columns: [] }] });
    expect(() => loadTableDeclarations(file("off.json", noColumns))).toThrow(/does not match the tables contract \(tables\.0\.name: not a Glue table name.*tables\.0\.columns: .*\); fix:/);
  });
});

describe("tableLocation (from the pipelines)", () => {
  const pipelines = declaredPipelines();

  test("a job writing under a fixed output: <output><dataset>/ with date projection on its k=v partition", () => {
    const loc = tableLocation(table("fraud_scored", "fraud_detection", "scored", [{ name: "detection_date", type: "string" }]), pipelines);
    expect(loc.prefix).toBe("processed/fraud/scored/");
    expect(loc.template).toBe("processed/fraud/scored/detection_date=${detection_date}/");
    expect(loc.keys).toEqual([{ name: "detection_date", type: "string", projection: expect.objectContaining({ type: "date", format: "yyyy-MM-dd", range: "2020-01-01,NOW" }) }]);
    expect(loc.source).toBe("pipeline claimsDaily step detect_fraud");
  });

  test("an alias finds its job, and market is an injected key", () => {
    const loc = tableLocation(table("financial_indicators", "financial", "indicators", [{ name: "market", type: "string" }, { name: "date", type: "string" }]), pipelines);
    expect(loc.template).toBe("processed/financial/indicators/market=${market}/date=${date}/");
    expect(loc.keys.map((k) => [k.name, k.projection.type])).toEqual([["market", "injected"], ["date", "date"]]);
  });

  test("{date} in the output path becomes a projected date key of its own", () => {
    const loc = tableLocation(table("tracker_state_daily", "aggregate", "state_daily"), pipelines);
    expect(loc.prefix).toBe("processed/tracker/");
    expect(loc.template).toBe("processed/tracker/${date}/state_daily/");
    expect(loc.keys.map((k) => k.name)).toEqual(["date"]);
  });

  test("a job no pipeline runs gets processed/<job>/ and says so", () => {
    const loc = tableLocation(table("smoke_rows", "smoke_test", "rows"), {});
    expect(loc.template).toBe("processed/smoke_test/rows/");
    expect(loc.keys).toEqual([]);
    expect(loc.source).toMatch(/^no pipeline runs job smoke_test/);
  });

  test("the stream's tables sit under the stream step's output with an injected batch key", () => {
    const loc = tableLocation(table("financial_stream_bars", "financial_stream", "bars", [{ name: "batch", type: "bigint" }]), pipelines);
    expect(loc.prefix).toBe("streaming/financial/bars/");
    expect(loc.template).toBe("streaming/financial/bars/batch=${batch}/");
    expect(loc.keys).toEqual([{ name: "batch", type: "bigint", projection: { type: "injected" } }]);
    expect(loc.source).toMatch(/^the stream step/);
  });

  test("fails if a pipeline runs the stream job: its output is the stack's", () => {
    const withStream = { ...pipelines, p: { ...Object.values(pipelines)[0], steps: [{ job: "financial_stream", args: { output: "s3://{data_bucket}/elsewhere/" }, onFailure: "stop" as const }] } };
    expect(() => tableLocation(table("financial_stream_bars", "financial_stream", "bars"), withStream)).toThrow(/table financial_stream_bars: pipeline p step financial_stream runs job financial_stream, whose output the stack fixes at streaming\/financial\/; fix:/);
  });

  test("the runs table spans every dated output through an enum key", () => {
    const loc = tableLocation({ ...table("runs", "*", "_runs/records", [{ name: "date", type: "string" }]), format: "json" }, pipelines);
    expect(loc.template).toBe("processed/${output}/_runs/records/date=${date}/");
    expect(loc.keys[0]).toEqual({ name: "output", type: "string", projection: { type: "enum", values: "financial,fraud" } });
  });

  test("fails if the output path has {date} and the table declares a date partition too", () => {
    expect(() => tableLocation(table("t", "aggregate", "state_daily", [{ name: "date", type: "string" }]), pipelines)).toThrow(/table t: .*declares a date partition too; fix/);
  });
});

describe("the dev stack's catalog", () => {
  test("a Glue database named emr_platform_dev and catalog encryption on our key", () => {
    expect(only("aws_glue_catalog_database").name).toBe("emr_platform_dev");
    const settings = only("aws_glue_data_catalog_encryption_settings").data_catalog_encryption_settings;
    expect(settings.encryption_at_rest).toEqual({ catalog_encryption_mode: "SSE-KMS", sse_aws_kms_key_id: expect.stringContaining("aws_kms_key") });
    expect(settings.connection_password_encryption).toEqual({ return_connection_password_encrypted: true, aws_kms_key_id: expect.stringContaining("aws_kms_key") });
  });

  test("one external table per tables.json entry, with its columns, partition keys and projection", () => {
    expect(Object.keys(tables).sort()).toEqual(nonEmpty(declarations).map((d) => d.name));
    for (const d of declarations) {
      const t = tables[d.name];
      const loc = tableLocation(d, declaredPipelines());
      expect(t.table_type).toBe("EXTERNAL_TABLE");
      expect(t.storage_descriptor.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual(d.columns.map((c) => [c.name, c.type]));
      expect((t.partition_keys ?? []).map((k: { name: string }) => k.name)).toEqual(loc.keys.map((k) => k.name));
      expect(t.storage_descriptor.location).toMatch(new RegExp(`^s3://\\$\\{aws_s3_bucket\\.storage_data_bucket_\\w+\\.bucket\\}/${loc.prefix}$`));
      if (loc.keys.length > 0) {
        expect(t.parameters["projection.enabled"]).toBe("true");
        expect(terraformRendered(t.parameters["storage.location.template"])).toMatch(new RegExp(`/${loc.template.replace(/[$.{}]/g, "\\$&")}$`));
      }
    }
  });

  test("tracker_state_daily: the per-date prefix is the template's ${date}, escaped for Terraform", () => {
    const t = tables.tracker_state_daily;
    expect(t.parameters["storage.location.template"]).toMatch(/\}\/processed\/tracker\/\$\$\{date\}\/state_daily\/$/);
    expect(t.parameters["projection.date.type"]).toBe("date");
    expect(t.storage_descriptor.ser_de_info.serialization_library).toBe("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
  });

  test("financial_stream_bars: the stream's output prefix, batch injected", () => {
    const t = tables.financial_stream_bars;
    expect(t.storage_descriptor.location).toMatch(/\}\/streaming\/financial\/bars\/$/);
    expect(t.parameters["storage.location.template"]).toMatch(/\}\/streaming\/financial\/bars\/batch=\$\$\{batch\}\/$/);
    expect(t.parameters["projection.batch.type"]).toBe("injected");
    expect(t.partition_keys).toEqual([{ name: "batch", type: "bigint" }]);
  });

  test("the runs table reads _metrics.json with the JSON SerDe", () => {
    expect(tables.runs.storage_descriptor.ser_de_info.serialization_library).toBe("org.openx.data.jsonserde.JsonSerDe");
    expect(tables.runs.parameters["projection.output.values"]).toBe("financial,fraud");
  });

  test("an enforced Athena workgroup: SSE_KMS results under athena-results/, the cutoff from config, metrics on", () => {
    const wg = only("aws_athena_workgroup");
    expect(wg.name).toBe("emr-platform-dev");
    expect(wg.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      publish_cloudwatch_metrics_enabled: true,
      bytes_scanned_cutoff_per_query: 10 * 1024 ** 3,
      result_configuration: {
        output_location: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.storage_logs_bucket_\w+\.bucket\}\/athena-results\/$/),
        encryption_configuration: { encryption_option: "SSE_KMS", kms_key_arn: expect.stringContaining("aws_kms_key") },
      },
    });
  });

  test("Athena results expire after resultsRetentionDays", () => {
    const rules = resources(json, "aws_s3_bucket_lifecycle_configuration").flatMap(([, l]) => l.rule as Record<string, any>[]);
    expect(rules.filter((r) => r.filter?.[0]?.prefix === "athena-results/")).toEqual([expect.objectContaining({ expiration: [{ days: 30 }] })]);
  });

  test("Glue is the metastore of the cluster, of transient clusters and of the serverless application", () => {
    const cluster = only("aws_emr_cluster");
    expect(JSON.parse(terraformRendered(cluster.configurations_json))).toContainEqual({ Classification: "spark-hive-site", Properties: { "hive.metastore.client.factory.class": FACTORY } });
    const transient = resources(json, "aws_sfn_state_machine").filter(([, m]) => String(m.definition).includes("createCluster"));
    for (const [, m] of nonEmpty(transient)) expect(String(m.definition)).toContain(`"hive.metastore.client.factory.class":"${FACTORY}"`);
    expect(only("aws_emrserverless_application").runtime_configuration).toEqual([
      { classification: "spark-defaults", properties: { "spark.hadoop.hive.metastore.client.factory.class": FACTORY } },
    ]);
  });

  test("the EC2 and serverless job roles read exactly this catalog, database and its tables — no write", () => {
    for (const doc of ["instance-policy-document", "runtime-role_policy-document"]) {
      const glue = documentStatements(json, doc).find((s) => s.sid === "GlueCatalogRead")!;
      expect(glue.actions).toEqual(["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"]);
      expect(glue.resources.map((r: string) => r.replace(/^.*:glue:eu-west-1:\$\{[^}]+\}:/, ""))).toEqual(["catalog", "database/emr_platform_dev", "table/emr_platform_dev/*"]);
    }
    const glueActions = policyStatements(json).flatMap((s) => (s.actions ?? []) as string[]).filter((a) => a.startsWith("glue:"));
    expect(nonEmpty(glueActions).filter((a) => !/^glue:(Get|BatchGet)/.test(a))).toEqual([]);
  });

  test("the catalog stack output names the database, workgroup, results location and every table", () => {
    const output = json.output![STACK_OUTPUTS.catalog].value as string;
    expect(output).toContain("jsonencode");
    expect(output).toMatch(/"database" = aws_glue_catalog_database\.[\w-]+\.name/);
    expect(output).toMatch(/"workgroup" = aws_athena_workgroup\.[\w-]+\.name/);
    expect(output).toContain("/athena-results/");
    expect(output).toContain(`"tables" = [${declarations.map((d) => `"${d.name}"`).join(", ")}]`);
  });
});

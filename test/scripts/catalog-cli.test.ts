// tables and query against moto's Glue and Athena (the real SDK; moto's queries succeed at once, with results seeded
// through moto's /moto-api/static/athena/query-results); FAILED, Ctrl-C, the deadline and paged results on recorded
// Athena responses.
import { AthenaClient, CreateWorkGroupCommand, type QueryExecution } from "@aws-sdk/client-athena";
import { CreateDatabaseCommand, CreateTableCommand, GlueClient, type TableInput } from "@aws-sdk/client-glue";
import type { CatalogOutput } from "../../modules/catalog/target";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { useMoto } from "../support/moto-server";
import { spiedClient } from "../support/spied-client";
import { recordedEmr } from "../support/recorded-emr";
import { outputJson, RecordingRunner } from "../support/recording-runner";

const moto = useMoto();
const glue = () => new GlueClient({ region: "us-east-1" });
const athena = () => new AthenaClient({ region: "us-east-1" });
const DATABASE = "emr_platform_local";
const WORKGROUP = "emr-platform-local";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const CATALOG: CatalogOutput = { database: DATABASE, workgroup: WORKGROUP, resultsLocation: "s3://emr-local-logs/athena-results/", tables: ["fraud_rejected", "runs"] };

async function emr(argv: string[], overrides: Parameters<typeof runCaptured>[2] = {}, catalog: string | null = JSON.stringify(CATALOG)) {
  const { root, terraformBin } = tempRepo({ stacks: ["local"] });
  const outputs = { logs_bucket: "emr-local-logs", ...(catalog === null ? {} : { catalog }) };
  const runner = new RecordingRunner((call) => (call.args.includes("output") ? { stdout: outputJson(outputs) } : undefined));
  return runCaptured([...argv, "--terraform-bin", terraformBin], root, { runner, ...overrides });
}

beforeEach(async () => {
  await moto().reset();
});

/** A table as branch catalog-infra declares them: parquet, partition projection on a date key. */
const PROJECTED: TableInput = {
  Name: "fraud_rejected",
  TableType: "EXTERNAL_TABLE",
  PartitionKeys: [{ Name: "detection_date", Type: "string" }],
  Parameters: {
    "projection.enabled": "true",
    "projection.detection_date.type": "date",
    "storage.location.template": "s3://emr-local-data/processed/fraud/rejected/detection_date=${detection_date}/",
  },
  StorageDescriptor: {
    Columns: [
      { Name: "raw_record", Type: "string" },
      { Name: "reject_reason", Type: "string" },
    ],
    Location: "s3://emr-local-data/processed/fraud/rejected/",
    InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    SerdeInfo: { SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
  },
};

/** The runs table over _metrics.json: JSON SerDe, no projection, so its LOCATION is what `tables` shows. */
const RUNS: TableInput = {
  Name: "runs",
  TableType: "EXTERNAL_TABLE",
  StorageDescriptor: {
    Columns: [{ Name: "job", Type: "string" }],
    Location: "s3://emr-local-data/processed/_runs/",
    InputFormat: "org.apache.hadoop.mapred.TextInputFormat",
    SerdeInfo: { SerializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
  },
};

describe("tables", () => {
  beforeEach(async () => {
    for (const name of [DATABASE, "someone_else"]) await glue().send(new CreateDatabaseCommand({ DatabaseInput: { Name: name } }));
    // Created out of order, and one in another database that must not show.
    await glue().send(new CreateTableCommand({ DatabaseName: DATABASE, TableInput: RUNS }));
    await glue().send(new CreateTableCommand({ DatabaseName: DATABASE, TableInput: PROJECTED }));
    await glue().send(new CreateTableCommand({ DatabaseName: "someone_else", TableInput: { ...RUNS, Name: "not_ours" } }));
  });

  it("lists the database's tables sorted by name: format, partition keys, projection template or location", async () => {
    const run = await emr(["tables", "local"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")).toEqual([
      "table           format   partitions             location",
      "fraud_rejected  parquet  detection_date:string  s3://emr-local-data/processed/fraud/rejected/detection_date=${detection_date}/",
      "runs            json     -                      s3://emr-local-data/processed/_runs/",
      "",
    ]);
  });

  it("--json prints the same rows as JSON", async () => {
    const run = await emr(["tables", "local", "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      database: DATABASE,
      tables: [
        { name: "fraud_rejected", format: "parquet", partitionKeys: ["detection_date:string"], location: "s3://emr-local-data/processed/fraud/rejected/detection_date=${detection_date}/" },
        { name: "runs", format: "json", partitionKeys: [], location: "s3://emr-local-data/processed/_runs/" },
      ],
    });
  });

  it("fails with one line naming deploy if the output's database is not in Glue", async () => {
    const run = await emr(["tables", "local"], {}, JSON.stringify({ ...CATALOG, database: "emr_platform_gone" }));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: the Glue database emr_platform_gone of local does not exist; fix: npm run deploy -- local\n");
  });

  it("fails with one line naming deploy if the catalog output is {} (a stack from before the catalog)", async () => {
    const run = await emr(["tables", "local"], {}, "{}");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("error: local has no Glue catalog yet (the stack's catalog output is empty); fix: deploy the environment (npm run deploy -- local)\n");
  });

  it("fails with one line if the stack has no catalog output at all", async () => {
    const run = await emr(["tables", "local"], {}, null);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the Glue catalog of local is unknown: .*; fix: deploy the environment \(npm run deploy -- local\)\n$/);
  });

  it("fails with one line naming the field if the catalog output is malformed", async () => {
    const run = await emr(["tables", "local"], {}, JSON.stringify({ ...CATALOG, resultsLocation: "athena-results/" }));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: the stack's catalog output is malformed at resultsLocation: an s3:// URI; fix: deploy the environment (npm run deploy -- local)\n");
  });
});

/** Queues one result set in moto: the next query's GetQueryResults answers with it (moto/athena/models.py). */
async function seedAthenaResult(columns: string[], rows: (string | undefined)[][]): Promise<void> {
  const asRow = (values: (string | undefined)[]) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });
  const body = {
    results: [
      {
        // As Athena answers a SELECT: the first row repeats the column names.
        rows: [asRow(columns), ...rows.map(asRow)],
        column_info: columns.map((name) => ({ CatalogName: "hive", SchemaName: DATABASE, TableName: "fraud_rejected", Name: name, Label: name, Type: "varchar", Nullable: "UNKNOWN", CaseSensitive: true })),
      },
    ],
  };
  const response = await fetch(`${moto().endpoint}/moto-api/static/athena/query-results`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  expect(response.status).toBe(201);
}

const spiedAthena = () => spiedClient(athena());

const SQL = "SELECT reject_reason, count(*) AS claims FROM fraud_rejected GROUP BY 1 ORDER BY 2 DESC";

describe("query against moto", () => {
  beforeEach(async () => {
    await athena().send(new CreateWorkGroupCommand({ Name: WORKGROUP }));
    await seedAthenaResult(
      ["reject_reason", "claims"],
      [
        ["bad_amount", "12"],
        ['unparseable, "quoted"', "3"],
        [undefined, "1"],
      ],
    );
  });

  it("starts the query in the workgroup with the database as context and a UUID token, then prints a table and the summary", async () => {
    const { spy, sent } = spiedAthena();
    const run = await emr(["query", "local", SQL], { clients: { athena: spy } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(sent.find((c) => c.name === "StartQueryExecutionCommand")?.input).toEqual({
      QueryString: SQL,
      QueryExecutionContext: { Database: DATABASE },
      WorkGroup: WORKGROUP,
      ClientRequestToken: expect.stringMatching(UUID),
    });
    const id = /query (\S+) started in workgroup emr-platform-local \(database emr_platform_local\)/.exec(run.stdout)![1];
    expect(run.stdout).toContain(`  query ${id}: SUCCEEDED · `);
    expect(run.stdout).toContain(
      [
        "reject_reason          claims",
        "bad_amount             12",
        'unparseable, "quoted"  3',
        "NULL                   1",
        "(3 rows)",
        `scanned 0 B · engine time 0.0s · query ${id}`,
        "",
      ].join("\n"),
    );
  });

  it("--output csv prints only RFC 4180 rows on stdout, progress and summary on stderr", async () => {
    const run = await emr(["query", "local", SQL, "--output", "csv"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('reject_reason,claims\nbad_amount,12\n"unparseable, ""quoted""",3\n,1\n');
    expect(run.stderr).toMatch(/^query \S+ started in workgroup emr-platform-local.*\n {2}query \S+: SUCCEEDED · .*\nscanned 0 B · engine time 0\.0s · query \S+\n$/);
  });

  it("--output json prints an array of objects, NULL as null", async () => {
    const run = await emr(["query", "local", SQL, "--output", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { reject_reason: "bad_amount", claims: "12" },
      { reject_reason: 'unparseable, "quoted"', claims: "3" },
      { reject_reason: null, claims: "1" },
    ]);
  });

  it("fails as a usage error on empty SQL, before any call", async () => {
    const { spy, sent } = spiedAthena();
    const run = await emr(["query", "local", "   "], { clients: { athena: spy } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: command-argument value ' {3}' is invalid for argument 'sql'\. the SQL is empty; fix: pass the query as one quoted argument/);
    expect(sent).toEqual([]);
  });

  it("fails on an unknown --output format, naming the choices", async () => {
    const run = await emr(["query", "local", SQL, "--output", "xml"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/option '--output <format>' argument 'xml' is invalid\. Allowed choices are table, csv, json/);
  });
});

/** GetQueryExecution as Athena answers it (recorded shape, Athena API Reference QueryExecution). */
function execution(state: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED", extra: Partial<QueryExecution> = {}): { QueryExecution: QueryExecution } {
  return {
    QueryExecution: {
      QueryExecutionId: "q-0001",
      Query: SQL,
      StatementType: "DML",
      WorkGroup: WORKGROUP,
      Status: { State: state, SubmissionDateTime: new Date("2026-01-01T10:00:00Z") },
      Statistics: { DataScannedInBytes: 1_572_864, EngineExecutionTimeInMillis: 2_300 },
      ...extra,
    },
  };
}

function recordedAthena(handlers: Parameters<typeof recordedEmr>[0]) {
  const recorded = recordedEmr({ StartQueryExecutionCommand: [{ QueryExecutionId: "q-0001" }], StopQueryExecutionCommand: [{}], ...handlers });
  return { client: recorded.client as unknown as AthenaClient, calls: recorded.calls };
}

describe("query on recorded Athena answers", () => {
  it("exits 1 on FAILED with Athena's StateChangeReason, after showing bytes scanned so far", async () => {
    const failed = execution("FAILED", {});
    failed.QueryExecution.Status!.StateChangeReason = "COLUMN_NOT_FOUND: line 1:8: Column 'reason' cannot be resolved";
    const { client, calls } = recordedAthena({ GetQueryExecutionCommand: [execution("RUNNING"), failed] });
    const run = await emr(["query", "local", SQL], { clients: { athena: client } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("  query q-0001: RUNNING · ");
    expect(run.stdout).toMatch(/query q-0001: RUNNING · \d+\.\ds · 1\.5 MiB scanned/);
    expect(run.stderr).toBe("error: query q-0001 FAILED: COLUMN_NOT_FOUND: line 1:8: Column 'reason' cannot be resolved\n");
    expect(calls.map((c) => c.command)).not.toContain("GetQueryResultsCommand");
  });

  it("fails with the query id and how to follow it if polling fails (the query may still run)", async () => {
    const lost = Object.assign(new Error("We encountered an internal error. Please try again."), { name: "InternalServerException", $metadata: { httpStatusCode: 500 } });
    const { client } = recordedAthena({ GetQueryExecutionCommand: [lost] });
    const run = await emr(["query", "local", SQL], { clients: { athena: client } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: AWS error InternalServerException (HTTP 500): We encountered an internal error. Please try again.; query q-0001 may still be running: aws athena get-query-execution --query-execution-id q-0001\n",
    );
  });

  it("Ctrl-C stops the query (StopQueryExecution) and exits 130", async () => {
    const controller = new AbortController();
    const { client, calls } = recordedAthena({
      GetQueryExecutionCommand: () => {
        controller.abort();
        return execution("RUNNING");
      },
    });
    const run = await emr(["query", "local", SQL], { clients: { athena: client }, signal: controller.signal });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe("error: interrupted (Ctrl-C); query q-0001 was stopped (StopQueryExecution)\n");
    expect(calls.filter((c) => c.command === "StopQueryExecutionCommand").map((c) => c.input)).toEqual([{ QueryExecutionId: "q-0001" }]);
  });

  it("says how to stop it by hand when StopQueryExecution fails after Ctrl-C", async () => {
    const controller = new AbortController();
    const denied = Object.assign(new Error("not allowed"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
    const { client } = recordedAthena({
      GetQueryExecutionCommand: () => {
        controller.abort();
        return execution("RUNNING");
      },
      StopQueryExecutionCommand: [denied],
    });
    const run = await emr(["query", "local", SQL], { clients: { athena: client }, signal: controller.signal });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe(
      "error: interrupted (Ctrl-C); stopping query q-0001 failed (AWS denied the request (AccessDeniedException): not allowed); it may still run: aws athena stop-query-execution --query-execution-id q-0001\n",
    );
  });

  it("--timeout stops the query and fails with the fix", async () => {
    const { client, calls } = recordedAthena({ GetQueryExecutionCommand: [execution("RUNNING")] });
    const run = await emr(["query", "local", SQL, "--timeout", "0.05"], { clients: { athena: client } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: timed out after 0s waiting for query q-0001; query q-0001 was stopped \(StopQueryExecution\)\. fix: rerun with a larger --timeout/);
    expect(calls.map((c) => c.command)).toContain("StopQueryExecutionCommand");
  });

  it("reads every page of the results and prints bytes scanned in human units with the engine time", async () => {
    const column = { Name: "job", Label: "job", Type: "varchar" };
    const row = (v: string) => ({ Data: [{ VarCharValue: v }] });
    const { client, calls } = recordedAthena({
      GetQueryExecutionCommand: [execution("QUEUED"), execution("SUCCEEDED")],
      GetQueryResultsCommand: [
        { ResultSet: { ResultSetMetadata: { ColumnInfo: [column] }, Rows: [row("job"), row("fraud")] }, NextToken: "page-2" },
        { ResultSet: { ResultSetMetadata: { ColumnInfo: [column] }, Rows: [row("tracker")] } },
      ],
    });
    const run = await emr(["query", "local", "SELECT job FROM runs"], { clients: { athena: client } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(calls.filter((c) => c.command === "GetQueryResultsCommand").map((c) => c.input.NextToken)).toEqual([undefined, "page-2"]);
    expect(run.stdout).toContain("job\nfraud\ntracker\n(2 rows)\nscanned 1.5 MiB · engine time 2.3s · query q-0001\n");
  });
});

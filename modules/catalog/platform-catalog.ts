import { Fn } from "cdktf";
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueDataCatalogEncryptionSettings } from "@cdktf/provider-aws/lib/glue-data-catalog-encryption-settings";
import { Construct } from "constructs";
import { loadTableDeclarations, type TableDeclaration } from "../../contracts/catalog-tables";
import { PREFIXES } from "../../contracts/stack-outputs";
import { defaultDatabaseName } from "../../environments/catalog";
import type { Pipeline } from "../../environments/pipelines";
import type { EnvironmentConfig } from "../../environments/schema";
import type { AccountContext } from "../core/account-context";
import type { Grantee } from "../core/policy-statements";
import type { PlatformStorage } from "../storage/platform-storage";
import { QueryWorkgroup } from "./athena-workgroup";
import { CatalogTables } from "./catalog-tables";
import { tableLocation } from "./table-location";
import type { CatalogOutput, CatalogTarget } from "./target";

/** Read-only Glue Data Catalog actions a Spark job needs to resolve tables and partitions ("Identity-based policies
 * for AWS Glue", Data Catalog read actions). Jobs create no tables: the tables are this module's. */
export const GLUE_READ_ACTIONS = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"];

export interface PlatformCatalogProps {
  readonly config: Pick<EnvironmentConfig, "project" | "name" | "catalog">;
  /** Resource name prefix, e.g. "emr-platform-dev" (the workgroup's name). */
  readonly name: string;
  readonly account: AccountContext;
  readonly storage: PlatformStorage;
  /** Every declared pipeline: a table's location is its job's output in the pipeline that runs it. */
  readonly pipelines: Readonly<Record<string, Pipeline>>;
  /** @default spark-jobs/tables.json */
  readonly declarations?: readonly TableDeclaration[];
}

/**
 * The query side of the environment: a Glue database with a table per job output (spark-jobs/tables.json), the
 * account's catalog encryption settings on our key, and the Athena workgroup whose results go to the logs bucket.
 */
export class PlatformCatalog extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly tables: CatalogTables;
  readonly workgroup: QueryWorkgroup;
  readonly target: CatalogTarget;
  /** JSON for the `catalog` stack output (CatalogOutput). */
  readonly output: string;
  private readonly keyArn: string;

  constructor(scope: Construct, id: string, props: PlatformCatalogProps) {
    super(scope, id);
    const { config, account, storage } = props;
    const databaseName = config.catalog.database ?? defaultDatabaseName(config);
    this.keyArn = storage.key.arn;

    this.database = new GlueCatalogDatabase(this, "database", {
      name: databaseName,
      description: `Tables over the ${props.name} job outputs (spark-jobs/tables.json); created by Terraform, never by jobs`,
    });

    // One setting per account and region ("Encrypting your Data Catalog"): two stacks of one account and region
    // share it, so both must name the same key or the last apply wins. Metadata and connection passwords on our key.
    new GlueDataCatalogEncryptionSettings(this, "encryption", {
      dataCatalogEncryptionSettings: {
        encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: storage.key.arn },
        connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: storage.key.arn },
      },
    });

    const declarations = (props.declarations ?? loadTableDeclarations()).map((table) => ({ table, location: tableLocation(table, props.pipelines) }));
    this.tables = new CatalogTables(this, "tables", {
      databaseName: this.database.name,
      bucketUri: storage.data.s3Uri(),
      declarations,
    });

    const resultsLocation = storage.logs.s3Uri(PREFIXES.athenaResults);
    this.workgroup = new QueryWorkgroup(this, "athena", {
      name: props.name,
      athena: config.catalog.athena,
      resultsLocation,
      kmsKeyArn: storage.key.arn,
    });

    const glueArn = (resource: string) => `arn:${account.partition}:glue:${account.region}:${account.accountId}:${resource}`;
    this.target = {
      databaseName: this.database.name,
      catalogArn: glueArn("catalog"),
      databaseArn: glueArn(`database/${databaseName}`),
      tablesArn: glueArn(`table/${databaseName}/*`),
    };
    const output: CatalogOutput = {
      database: this.database.name,
      workgroup: this.workgroup.workgroup.name,
      resultsLocation,
      tables: declarations.map((d) => d.table.name),
    };
    this.output = Fn.jsonencode(output);
  }

  /**
   * Read-only Glue on exactly this catalog, database and its tables, plus decrypting the catalog's metadata (the
   * encryption settings' key: "Encrypting your Data Catalog" lists kms:Decrypt for readers).
   */
  grantRead(grantee: Grantee, sid: string): void {
    grantee.addStatements(
      { sid, actions: GLUE_READ_ACTIONS, resources: [this.target.catalogArn, this.target.databaseArn, this.target.tablesArn] },
      { sid: `${sid}Key`, actions: ["kms:Decrypt"], resources: [this.keyArn] },
    );
  }
}

/**
 * What the stack and the CLI need from the catalog: the contract between modules/catalog (which creates the Glue
 * database, tables and Athena workgroup), the roles that read the catalog (instance profile, serverless job role),
 * and the CLI's `tables` and `query` (which read CatalogOutput from the `catalog` stack output).
 */

/** The catalog as the IAM grants see it: Terraform references (tokens) at synth time. */
export interface CatalogTarget {
  readonly databaseName: string;
  /** arn:aws:glue:<region>:<account>:catalog, …:database/<db>, …:table/<db>/* — what read-only grants name. */
  readonly catalogArn: string;
  readonly databaseArn: string;
  readonly tablesArn: string;
}

/** The `catalog` stack output, JSON-encoded. */
export interface CatalogOutput {
  readonly database: string;
  readonly workgroup: string;
  /** `s3://<bucket>/athena-results/`: where the workgroup writes query results (enforced). */
  readonly resultsLocation: string;
  /** Table names in the database, sorted. */
  readonly tables: readonly string[];
}

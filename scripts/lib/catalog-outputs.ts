/**
 * The environment's Glue database and Athena workgroup as the stack's `catalog` output describes them
 * (contracts/stack-outputs.ts, modules/catalog/target.ts CatalogOutput): `tables` and `query` never guess a database
 * or workgroup name. Validated here, so a malformed output is one clear line instead of a crash deep in a command.
 */
import { z } from "zod";
import type { CatalogOutput } from "../../modules/catalog/target";
import { CliError } from "./errors";
import { parseJsonOutput } from "./json-output";
import type { PartialOutputs } from "./stack-outputs";

const CatalogOutputSchema = z.object({
  database: z.string().min(1),
  workgroup: z.string().min(1),
  resultsLocation: z.string().regex(/^s3:\/\/[^/\s]+\/\S*$/, "an s3:// URI"),
  tables: z.array(z.string().min(1)),
}) satisfies z.ZodType<CatalogOutput>;

const redeploy = (environment: string) => `fix: deploy the environment (npm run deploy -- ${environment})`;

/** Parses the output's value; `{}` (a stack deployed before the catalog existed) throws the deploy hint. */
export function parseCatalogOutput(environment: string, json: string): CatalogOutput {
  return parseJsonOutput(json, CatalogOutputSchema, {
    output: "catalog",
    whenEmpty: () => new CliError(`${environment} has no Glue catalog yet (the stack's catalog output is empty); ${redeploy(environment)}`),
    fix: redeploy(environment),
  });
}

/** The catalog of `environment` from the outputs, or why the outputs cannot say. */
export function catalogFromOutputs(environment: string, outputs: PartialOutputs, unavailable: string | undefined): CatalogOutput {
  if (outputs.catalog !== undefined) return parseCatalogOutput(environment, outputs.catalog);
  const why = unavailable ?? "the stack has no catalog output (deployed before the catalog existed)";
  throw new CliError(`the Glue catalog of ${environment} is unknown: ${why}; ${redeploy(environment)}`);
}

/**
 * The environment's EMR Serverless application as the stack's `serverless` output describes it
 * (contracts/stack-outputs.ts, modules/serverless/target.ts ServerlessOutput): the CLI never guesses an application
 * id. Validated here, so a malformed output is one clear line instead of a crash deep in a command.
 */
import { z } from "zod";
import type { ServerlessOutput } from "../../modules/serverless/target";
import { CliError } from "./errors";
import { parseJsonOutput } from "./json-output";
import type { PartialOutputs } from "./stack-outputs";

const ServerlessOutputSchema = z.object({
  applicationId: z.string().min(1),
  applicationArn: z.string().regex(/^arn:aws[a-z-]*:emr-serverless:[^:\s]+:\d{12}:\/applications\/[^/\s]+$/, "an EMR Serverless application ARN"),
  applicationName: z.string().min(1),
  runtimeRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, "an IAM role ARN"),
  releaseLabel: z.string().regex(/^emr-\d+\.\d+\.\d+$/, "a release label like emr-7.12.0"),
  architecture: z.enum(["ARM64", "X86_64"]),
  imageRepositoryUrl: z.string().min(1),
  imageUri: z.string().min(1).nullable(),
  logUri: z.string().regex(/^s3:\/\/[^/\s]+\/\S*$/, "an s3:// URI"),
}) satisfies z.ZodType<ServerlessOutput>;

/** Why the outputs hold no application: the one line every serverless command gives. */
function notEnabled(environment: string): CliError {
  return new CliError(`EMR Serverless is not enabled for ${environment}; fix: set serverless.enabled in environments/${environment}.ts and deploy`);
}

/** Parses the output's value (`{}` when the environment does not enable EMR Serverless); throws one line. */
export function parseServerlessOutput(environment: string, json: string): ServerlessOutput {
  return parseJsonOutput(json, ServerlessOutputSchema, {
    output: "serverless",
    whenEmpty: () => notEnabled(environment),
    fix: `fix: redeploy the environment (npm run deploy -- ${environment})`,
  });
}

/**
 * The application of `environment` from the outputs. Without outputs, a config that does not enable serverless is
 * the likelier story, so it is named first; otherwise why the outputs are unreadable.
 */
export function serverlessFromOutputs(environment: string, enabled: boolean, outputs: PartialOutputs, unavailable: string | undefined): ServerlessOutput {
  if (outputs.serverless !== undefined) return parseServerlessOutput(environment, outputs.serverless);
  if (!enabled) throw notEnabled(environment);
  const why = unavailable ?? "the stack has no serverless output (deployed before EMR Serverless existed)";
  throw new CliError(`the EMR Serverless application of ${environment} is unknown: ${why}; fix: npm run deploy -- ${environment}`);
}

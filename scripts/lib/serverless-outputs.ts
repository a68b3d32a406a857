/**
 * The environment's EMR Serverless application as the stack's `serverless` output describes it
 * (contracts/stack-outputs.ts, modules/serverless/target.ts ServerlessOutput): the CLI never guesses an application
 * id. Validated here, so a malformed output is one clear line instead of a crash deep in a command.
 */
import { z } from "zod";
import type { ServerlessOutput } from "../../modules/serverless/target";
import { featureFromOutputs, parseFeatureOutput } from "./json-output";
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

const rules = (environment: string) =>
  ({ environment, output: "serverless", feature: "EMR Serverless", subject: "the EMR Serverless application", schema: ServerlessOutputSchema }) as const;

/** Parses the output's value (`{}` when the environment does not enable EMR Serverless); throws one line. */
export function parseServerlessOutput(environment: string, json: string): ServerlessOutput {
  return parseFeatureOutput(rules(environment), json);
}

/** The application of `environment` from the outputs; one line naming the fix when there is none. */
export function serverlessFromOutputs(environment: string, enabled: boolean, outputs: PartialOutputs, unavailable: string | undefined): ServerlessOutput {
  return featureFromOutputs(rules(environment), enabled, outputs.serverless, unavailable);
}

/**
 * Deploy's first phase: everything that would otherwise fail ten minutes in. Each check returns a line for the
 * operator or throws a CliError that names the fix.
 */
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { EnvironmentConfig } from "../../environments";
import { CliError } from "./errors";
import { compareVersions } from "./terraform";

/** package.json "engines.node". */
export const MINIMUM_NODE_VERSION = "20.9.0";

export function checkNodeVersion(version: string, minimum = MINIMUM_NODE_VERSION): string {
  const bare = version.replace(/^v/, "");
  if (compareVersions(bare, minimum) < 0) {
    throw new CliError(`Node.js ${bare} is too old (this CLI needs >= ${minimum}); fix: install Node.js 20 LTS or newer`);
  }
  return `node ${bare}`;
}

export interface CallerIdentity {
  account: string;
  arn: string;
}

/** STS GetCallerIdentity; any failure is about credentials and says so. */
export async function callerIdentity(sts: Pick<STSClient, "send">): Promise<CallerIdentity> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Account || !identity.Arn) throw new CliError("STS GetCallerIdentity returned no account; fix: check the AWS credentials");
  return { account: identity.Account, arn: identity.Arn };
}

/** Refuses credentials from another account than the environment declares (the classic prod/dev mix-up). */
export function checkAccount(config: EnvironmentConfig, identity: CallerIdentity): string {
  if (config.accountId && config.accountId !== identity.account) {
    throw new CliError(
      `the AWS credentials belong to account ${identity.account} (${identity.arn}), but ${config.name} lives in account ${config.accountId}; ` +
        `fix: switch AWS_PROFILE to ${config.name}'s account`,
    );
  }
  return `aws ${identity.arn}${config.accountId ? "" : " (no accountId in the environment: account not checked)"}`;
}

/**
 * The region comes from the environment config, never from the shell; a different AWS_REGION is worth a warning
 * because other tools the operator runs next would use it.
 */
export function regionNote(config: EnvironmentConfig, env: NodeJS.ProcessEnv): { line: string; warning?: string } {
  const shell = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const warning =
    shell && shell !== config.region ? `AWS_REGION is ${shell}, but ${config.name} lives in ${config.region}; this CLI uses ${config.region}` : undefined;
  return { line: `region ${config.region}`, warning };
}

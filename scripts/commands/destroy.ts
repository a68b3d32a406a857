/**
 * `destroy`: shows what goes and what stays, asks for the environment's name (unless --yes), refuses a
 * termination-protected cluster unless --force (which turns protection off through Terraform first), and keeps the
 * buckets unless the environment sets storage.forceDestroy.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stackId } from "../../contracts/stack-outputs";
import type { Command } from "commander";
import { type CommandRunner, envCommand } from "../lib/cli-args";
import { describeCluster } from "../lib/cluster";
import type { CommandContext } from "../lib/context";
import { CliError, isNotFound } from "../lib/errors";
import { callerIdentity, checkAccount } from "../lib/prerequisites";
import { emrClusters, parseState, protectionOverride, selectForDestroy, type StateResource } from "../lib/terraform-state";
import { synthAndInit, throwIfInterrupted } from "../lib/stack-lifecycle";

export interface DestroyOptions {
  yes?: boolean;
  force?: boolean;
}

/** Terraform merges `*_override.tf.json` over the synthesized config: how --force lifts protection for one apply. */
export const PROTECTION_OVERRIDE_FILE = "zz_termination_protection_override.tf.json";

async function liveProtection(ctx: CommandContext, clusterId: string | undefined): Promise<boolean> {
  if (!clusterId) return false;
  try {
    const cluster = await describeCluster(ctx.clients.emr, clusterId);
    return cluster.TerminationProtected === true && cluster.Status?.State !== "TERMINATED" && cluster.Status?.State !== "TERMINATED_WITH_ERRORS";
  } catch (err) {
    if (err instanceof CliError || isNotFound(err)) return false;
    throw err;
  }
}

/** Without --yes, destroy can only go ahead at a terminal: say so before any call, synth or `terraform init`. */
function requireConfirmable(options: DestroyOptions, ctx: CommandContext): void {
  if (!options.yes && !ctx.deps.prompt) {
    throw new CliError(`destroy needs confirmation and stdin is not a terminal; nothing was done. fix: run it in a terminal, or pass --yes`);
  }
}

async function confirm(ctx: CommandContext, options: DestroyOptions): Promise<void> {
  if (options.yes || !ctx.deps.prompt) return;
  const answer = (await ctx.deps.prompt(`Type the environment name (${ctx.name}) to destroy it: `)).trim();
  if (answer !== ctx.name) throw new CliError(`aborted: you typed "${answer}", not "${ctx.name}"; nothing was destroyed`);
}

function importHint(ctx: CommandContext, terraformBin: string, kept: readonly StateResource[]): string[] {
  const dir = path.posix.join("cdktf.out", "stacks", stackId(ctx.name));
  return kept
    .filter((r) => r.type === "aws_s3_bucket" || r.type === "aws_kms_key")
    .map((r) => `    ${path.basename(terraformBin)} -chdir=${dir} import ${r.address} ${String(r.values.id)}`);
}

export async function destroyCommand(ctx: CommandContext, options: DestroyOptions): Promise<number> {
  requireConfirmable(options, ctx);
  const terraform = ctx.terraform();
  const identity = await callerIdentity(ctx.clients.sts);
  checkAccount(ctx.config, identity);
  if (!existsSync(terraform.paths.config) || !existsSync(terraform.paths.initialized)) await synthAndInit(ctx, terraform);

  const resources = parseState(await terraform.showState());
  if (resources.length === 0) {
    ctx.out.line(`${stackId(ctx.name)}: the state is empty, nothing to destroy`);
    return 0;
  }
  const selection = selectForDestroy(resources, ctx.config.storage.forceDestroy);
  const clusters = emrClusters(resources);
  const protectedClusters = [];
  for (const cluster of clusters) {
    if (cluster.protectedInState || (await liveProtection(ctx, cluster.clusterId))) protectedClusters.push(cluster);
  }

  ctx.out.line(`${stackId(ctx.name)} in ${ctx.config.region}, account ${identity.account}: ${selection.destroyed.length} resources will be destroyed`);
  for (const r of selection.destroyed) ctx.out.line(`  - ${r.address}`);
  if (selection.kept.length > 0) {
    ctx.out.line(`${selection.kept.length} resources are kept (storage.forceDestroy is off for ${ctx.name}):`);
    for (const r of selection.kept) ctx.out.line(`  = ${r.address}`);
  }
  if (protectedClusters.length > 0 && !options.force) {
    throw new CliError(
      `${ctx.name}'s cluster ${protectedClusters.map((c) => c.clusterId ?? c.address).join(", ")} has termination protection on; ` +
        `nothing was destroyed. fix: rerun with --force to turn protection off through Terraform and destroy`,
    );
  }
  await confirm(ctx, options);

  const overrideFile = path.join(terraform.paths.dir, PROTECTION_OVERRIDE_FILE);
  try {
    if (protectedClusters.length > 0) {
      ctx.out.line(`turning termination protection off (--force) …`);
      writeFileSync(overrideFile, protectionOverride(protectedClusters.map((c) => c.address)));
      for (const cluster of protectedClusters) {
        await terraform.applyTarget(cluster.address);
        throwIfInterrupted(ctx, "terraform apply");
      }
    }
    if (selection.kept.length > 0) {
      await terraform.stateRemove(selection.kept.map((r) => r.address));
      throwIfInterrupted(ctx, "terraform state rm");
    }
    await terraform.destroy();
    throwIfInterrupted(ctx, "terraform destroy");
  } finally {
    rmSync(overrideFile, { force: true });
  }

  ctx.out.line(`${stackId(ctx.name)} destroyed (${selection.destroyed.length} resources)`);
  if (selection.keptBuckets.length > 0) {
    ctx.out.line(`kept buckets: ${selection.keptBuckets.join(", ")} (and the KMS key that encrypts them); to manage them with Terraform again, import them:`);
    for (const line of importHint(ctx, terraform.bin, selection.kept)) ctx.out.line(line);
  } else if (ctx.config.storage.forceDestroy) {
    ctx.out.line(`no buckets kept: ${ctx.name} sets storage.forceDestroy`);
  }
  return 0;
}

export function defineDestroy(run: CommandRunner): Command {
  return envCommand(
    "destroy",
    "destroy the environment (asks for its name); buckets stay unless storage.forceDestroy",
    "turn termination protection off through Terraform first, then destroy",
  ).option("--yes", "do not ask for confirmation")
    .action(run((ctx, options: { yes?: boolean; force?: boolean }) => destroyCommand(ctx, options)));
}

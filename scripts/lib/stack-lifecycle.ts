/** Steps shared by deploy, plan and destroy: prerequisites, synth + init, and the plan summary. */
import { existsSync } from "node:fs";
import { stackId } from "../../contracts/stack-outputs";
import { createAwsClients } from "./aws-clients";
import type { CommandContext } from "./context";
import { CliError, Interrupted } from "./errors";
import { callerIdentity, checkAccount, checkNodeVersion, regionNote } from "./prerequisites";
import { stateBackendRegionSetting, stateBucketPresence } from "./state-bucket";
import { synthCommand, type Terraform } from "./terraform";
import { countPlanChanges, formatPlanCounts, type PlanCounts } from "./terraform-state";
import { formatReplacementNote, protectedReplacements, type ProtectedReplacement } from "./replacement";

/** Node, terraform/tofu (and its version), AWS credentials and account, region. Returns the Terraform to use. */
export async function checkPrerequisites(ctx: CommandContext): Promise<Terraform> {
  ctx.out.line(`  ${checkNodeVersion(ctx.deps.nodeVersion)}`);
  const terraform = ctx.terraform();
  ctx.out.line(`  ${terraform.bin} ${await terraform.version()}`);
  const identity = await callerIdentity(ctx.clients.sts);
  ctx.out.line(`  ${checkAccount(ctx.config, identity)}`);
  await checkStateBucket(ctx);
  const region = regionNote(ctx.config, ctx.deps.env);
  ctx.out.line(`  ${region.line}${ctx.config.endpoint ? ` via ${ctx.config.endpoint}` : ""}`);
  if (region.warning) ctx.out.warn(region.warning);
  return terraform;
}

/** An S3 backend's bucket must exist before `terraform init`; its absence means the account was never bootstrapped. */
async function checkStateBucket(ctx: CommandContext): Promise<void> {
  const backend = ctx.config.stateBackend;
  if (backend.type !== "s3") return;
  const region = backend.region ?? ctx.config.region;
  const s3 = region === ctx.config.region ? ctx.clients.s3 : createAwsClients({ ...ctx.config, region }, ctx.deps.env, ctx.deps.timing.requestTimeoutMs).s3;
  if ((await stateBucketPresence(s3, backend.bucket, { region, setting: stateBackendRegionSetting(ctx.name, backend.region) })) === "missing") {
    throw new CliError(`the Terraform state bucket ${backend.bucket} (${region}) does not exist; fix: npm run emr -- bootstrap ${ctx.name}`);
  }
  ctx.out.line(`  state bucket ${backend.bucket} (${region})`);
}

/** Terraform caught the same Ctrl-C and stopped; say so instead of reporting its exit code. */
export function throwIfInterrupted(ctx: CommandContext, during: string): void {
  if (ctx.deps.signal.aborted) {
    throw new Interrupted(
      `interrupted during ${during}; Terraform stopped cleanly and its state records what exists. ${ctx.resumeHint}`,
    );
  }
}

/** Synthesizes every stack (synthCommand) and initialises this environment's one. */
export async function synthAndInit(ctx: CommandContext, terraform: Terraform): Promise<void> {
  const synth = synthCommand(ctx.deps.repoRoot);
  const result = await ctx.deps.runner.run(synth.file, synth.args, { cwd: synth.cwd, stream: true });
  throwIfInterrupted(ctx, "synth");
  if (result.exitCode !== 0) throw new CliError(`synth failed (exit ${result.exitCode}); fix: run npm run synth and read its error`);
  if (!existsSync(terraform.paths.config)) {
    throw new CliError(`synth wrote no ${terraform.paths.relativeDir}/cdk.tf.json; fix: check that main.ts declares the stack ${stackId(ctx.name)}`);
  }
  await terraform.init();
  throwIfInterrupted(ctx, "terraform init");
}

export interface PlanOutcome {
  changes: boolean;
  counts: PlanCounts;
  summary: string;
  /** Replacements of a termination-protected cluster (issue 11): flagged in `summary`, refused by deploy by default. */
  replacements: ProtectedReplacement[];
}

/** `plan -out … -detailed-exitcode`, then the add/change/destroy counts from the saved plan. */
export async function planStack(ctx: CommandContext, terraform: Terraform): Promise<PlanOutcome> {
  const { changes } = await terraform.plan();
  throwIfInterrupted(ctx, "terraform plan");
  const planJson = changes ? await terraform.showPlan() : undefined;
  const counts = planJson ? countPlanChanges(planJson) : { add: 0, change: 0, destroy: 0 };
  const replacements = planJson ? protectedReplacements(planJson) : [];
  return { changes, counts, replacements, summary: formatPlanCounts(stackId(ctx.name), counts) + formatReplacementNote(replacements) };
}

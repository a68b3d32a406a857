/**
 * `bootstrap <env>`: what a new account needs before the first deploy, which Terraform cannot make for itself: the
 * environment's state bucket. Idempotent; it reports what it created and what already existed.
 */
import { Command } from "commander";
import { ENVIRONMENT_NAMES } from "../../environments/names";
import { createAwsClients } from "../lib/aws-clients";
import type { CommandRunner } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { callerIdentity, checkAccount } from "../lib/prerequisites";
import { ensureStateBucket, stateBackendRegionSetting } from "../lib/state-bucket";

export async function bootstrapCommand(ctx: CommandContext): Promise<number> {
  const backend = ctx.config.stateBackend;
  if (backend.type !== "s3") {
    ctx.out.line(`${ctx.name} keeps its Terraform state in a local file (stateBackend.type "local"): nothing to bootstrap`);
    return 0;
  }
  ctx.out.line(`  ${checkAccount(ctx.config, await callerIdentity(ctx.clients.sts))}`);
  const region = backend.region ?? ctx.config.region;
  // The backend may name another region than the environment's; the bucket is made where Terraform will look.
  const s3 = region === ctx.config.region ? ctx.clients.s3 : createAwsClients({ ...ctx.config, region }, ctx.deps.env, ctx.deps.timing.requestTimeoutMs).s3;
  const { created, settings } = await ensureStateBucket(s3, backend.bucket, region, stateBackendRegionSetting(ctx.name, backend.region));
  ctx.out.line(`  ${created ? "created " : "existed "} state bucket ${backend.bucket} (${region})`);
  for (const s of settings) ctx.out.line(`  ${s.action === "applied" ? "applied " : "already "} ${s.setting}: ${s.detail}`);
  const applied = settings.filter((s) => s.action === "applied").length;
  ctx.out.line(
    `state bucket ${backend.bucket}: ${created ? "created" : "already existed"}; ${applied} setting(s) applied, ${settings.length - applied} already in place. next: npm run deploy -- ${ctx.name}`,
  );
  return 0;
}

export function defineBootstrap(run: CommandRunner): Command {
  return new Command("bootstrap")
    .description("create the environment's Terraform state bucket if missing (versioned, encrypted, private, TLS-only); safe to rerun")
    .argument("<env>", `environment: ${ENVIRONMENT_NAMES.join(", ")}`)
    .action(run((ctx) => bootstrapCommand(ctx)));
}

/**
 * The deploy step for a plan that replaces a termination-protected cluster: refuse without --allow-replace; with it,
 * turn protection off first (EMR SetTerminationProtection), plan again (Terraform's refresh sees protection off, and
 * the first saved plan is stale by then), and hand back that plan to apply. The replacement cluster is created with
 * the configured protection, so it is protected again once the apply finishes.
 */
import { SetTerminationProtectionCommand } from "@aws-sdk/client-emr";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { replacementRefusal } from "../lib/replacement";
import type { Terraform } from "../lib/terraform";
import { planStack, throwIfInterrupted, type PlanOutcome } from "../lib/stack-lifecycle";

export async function resolveProtectedReplacements(
  ctx: CommandContext,
  terraform: Terraform,
  plan: PlanOutcome,
  allowReplace: boolean,
): Promise<PlanOutcome> {
  if (plan.replacements.length === 0) return plan;
  if (!allowReplace) throw new CliError(replacementRefusal(ctx.name, plan.replacements));
  for (const replacement of plan.replacements) {
    if (!replacement.clusterId) {
      throw new CliError(`the plan replaces ${replacement.address} but shows no cluster id to lift protection on; fix: run terraform show on the saved plan and check the state`);
    }
    ctx.out.line(`  --allow-replace: turning termination protection off on ${replacement.clusterId} before the replacement …`);
    await ctx.clients.emr.send(new SetTerminationProtectionCommand({ JobFlowIds: [replacement.clusterId], TerminationProtected: false }));
    throwIfInterrupted(ctx, "lifting termination protection");
  }
  const again = await planStack(ctx, terraform);
  ctx.out.line(`  ${again.summary}`);
  return again;
}

/** `plan`: the environment's plan and a one-line summary; exit 0 without changes, 2 with (like -detailed-exitcode). */
import type { Command } from "commander";
import { type CommandRunner, envCommand } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { EXIT } from "../lib/errors";
import { planStack, synthAndInit } from "../lib/stack-lifecycle";

export async function planCommand(ctx: CommandContext): Promise<number> {
  const terraform = ctx.terraform();
  await ctx.out.inPhase(1, 2, "synth/init", () => synthAndInit(ctx, terraform));
  const outcome = await ctx.out.inPhase(2, 2, "plan", () => planStack(ctx, terraform));
  ctx.out.line(outcome.summary);
  return outcome.changes ? EXIT.changes : EXIT.ok;
}

export function definePlan(run: CommandRunner): Command {
  return envCommand("plan", "synth and plan one environment; prints add/change/destroy; exit 0 = no changes, 2 = changes").action(run((ctx) => planCommand(ctx)));
}

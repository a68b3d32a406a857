/**
 * `deploy`: the classic deploy-emr.sh in eight numbered phases. Every phase is safe to rerun (saved-plan apply,
 * content-addressed upload), so after a failure or Ctrl-C the operator simply runs it again.
 */
import type { Command } from "commander";
import { type CommandRunner, envCommand, positiveNumber, withBucketOptions } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { waitForCluster } from "../lib/cluster";
import { checkPrerequisites, planStack, synthAndInit, throwIfInterrupted } from "../lib/stack-lifecycle";
import { gatherInfo, renderClusterInfo } from "./info";
import { runClusterTest, testJobOption, type TestJob } from "./cluster-test";
import { resolveProtectedReplacements } from "./deploy-replacement";
import { uploadJobs } from "./upload";

export interface DeployOptions {
  planOnly?: boolean;
  skipTest?: boolean;
  testJob: TestJob;
  /** Minutes to wait for the cluster. */
  timeoutMinutes: number;
  /** Minutes to wait for the validation step. */
  stepTimeoutMinutes: number;
  /** Apply a plan that replaces a termination-protected cluster (protection is lifted first). */
  allowReplace?: boolean;
}

export const DEPLOY_PHASES = ["prerequisites", "synth/init", "validate", "deploy", "wait for cluster", "upload jobs", "validation test", "connection info"] as const;

export async function deployCommand(ctx: CommandContext, options: DeployOptions): Promise<number> {
  const total = DEPLOY_PHASES.length;
  const phase = <T>(index: number, work: () => Promise<T>, detail?: (value: T) => string | undefined) =>
    ctx.out.inPhase(index, total, DEPLOY_PHASES[index - 1], work, detail);

  const terraform = await phase(1, () => checkPrerequisites(ctx));
  await phase(2, () => synthAndInit(ctx, terraform));
  await phase(3, async () => {
    await terraform.validate();
    throwIfInterrupted(ctx, "terraform validate");
  });

  const stopAfterPlan = await phase(
    4,
    async () => {
      const planned = await planStack(ctx, terraform);
      ctx.out.line(`  ${planned.summary}`);
      if (options.planOnly) {
        ctx.out.line(`  --plan-only: stopping here; the saved plan is ${terraform.paths.relativeDir}/${terraform.paths.planFile}`);
        return true;
      }
      const plan = await resolveProtectedReplacements(ctx, terraform, planned, options.allowReplace === true);
      if (plan.changes) {
        await terraform.apply();
        throwIfInterrupted(ctx, "terraform apply");
      } else {
        ctx.out.line("  nothing to apply");
      }
      ctx.refreshOutputs();
      return false;
    },
    (stop) => (stop ? "plan only" : undefined),
  );
  if (stopAfterPlan) return 0;

  const clusterId = await phase(
    5,
    async () => {
      const { outputs, unavailable } = await ctx.outputs();
      const id = ctx.options.clusterId ?? outputs.clusterId;
      if (!id) throw new CliError(`terraform applied, but no cluster_id output is readable (${unavailable ?? "missing"}); fix: check the stack's outputs`);
      await waitForCluster(ctx.clients.emr, id, { ...ctx.poll(options.timeoutMinutes * 60_000), reporter: ctx.out, resumeHint: ctx.resumeHint });
      return id;
    },
    (id) => id,
  );

  await phase(6, () => uploadJobs(ctx, { recordForPipelines: true }), (u) => `${u.summary.uploaded} uploaded, ${u.summary.skipped} unchanged`);

  await phase(
    7,
    async () => {
      if (options.skipTest) {
        ctx.out.line(`  skipped (--skip-test); run it later with: npm run emr -- test ${ctx.name}`);
        return;
      }
      await runClusterTest(ctx, { job: options.testJob, timeoutMinutes: options.stepTimeoutMinutes }, clusterId);
    },
  );

  const info = await phase(8, () => gatherInfo(ctx));
  for (const line of renderClusterInfo(info)) ctx.out.line(line);
  return 0;
}

export function defineDeploy(run: CommandRunner): Command {
  return withBucketOptions(
    envCommand("deploy", "prerequisites, synth/init, validate, deploy (saved plan), wait for the cluster, upload jobs, validation test, connection info"),
  )
    .option("--plan-only", "stop after the plan (nothing is applied)")
    .option("--skip-test", "skip the validation test on the cluster")
    .addOption(testJobOption())
    .option("--timeout <minutes>", "minutes to wait for the cluster", positiveNumber, 45)
    .option("--step-timeout <minutes>", "minutes to wait for the validation step", positiveNumber, 30)
    // issue 11: the only way past a protected-cluster replacement (logic in ./deploy-replacement.ts)
    .option("--allow-replace", "apply a plan that replaces a termination-protected cluster: turn protection off, then replace")
    .action(
      run((ctx, options: { planOnly?: boolean; skipTest?: boolean; job: TestJob; timeout: number; stepTimeout: number; allowReplace?: boolean }) =>
        deployCommand(ctx, { planOnly: options.planOnly, skipTest: options.skipTest, testJob: options.job, timeoutMinutes: options.timeout, stepTimeoutMinutes: options.stepTimeout, allowReplace: options.allowReplace }),
      ),
    );
}

/**
 * `test`: prove the cluster runs our code. The smoke test writes result.json under processed/smoke/<run-id>/ and we
 * print it; `--job financial` runs the financial processor on the bundled sample data instead.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { type Command, Option } from "commander";
import { type CommandRunner, envCommand, positiveNumber, withBucketOptions } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { isNotFound } from "../lib/errors";
import { packageSampleData } from "../lib/job-bundle";
import { uploadArtifacts } from "../lib/artifacts";
import { followStep, runningClusterId, submitStep } from "./submit";
import { uploadJobs } from "./upload";

export const TEST_JOBS = ["smoke", "financial"] as const;
export type TestJob = (typeof TEST_JOBS)[number];

/** `--job`, shared with deploy's validation phase. */
export function testJobOption(): Option {
  return new Option("--job <job>", "validation job: smoke (smoke test) or financial (financial processor on the sample data)").choices(TEST_JOBS).default("smoke");
}

export interface TestOptions {
  job: TestJob;
  timeoutMinutes: number;
  tailLines?: number;
}

/** Runs the test on a known cluster (deploy's phase 7) or the resolved one (`test`). */
export async function runClusterTest(ctx: CommandContext, options: TestOptions, knownClusterId?: string): Promise<void> {
  const clusterId = knownClusterId ?? (await runningClusterId(ctx));
  const uploaded = await uploadJobs(ctx);
  const dataBucket = await ctx.bucket("data");
  const processed = await ctx.prefix("processed");
  const runId = ctx.deps.runId();

  let job: string;
  let args: string[];
  let outputPrefix: string;
  if (options.job === "financial") {
    const sample = packageSampleData(ctx.jobsDir, await ctx.prefix("raw"));
    await uploadArtifacts(ctx.clients.s3, [sample.ohlcv], { bucket: dataBucket, kmsKeyArn: (await ctx.outputs()).outputs.kmsKeyArn });
    job = "financial_data_processor";
    outputPrefix = `${processed}financial/${runId}/`;
    args = ["--input", `s3://${dataBucket}/${sample.ohlcv.key}`, "--input-format", "csv", "--output", `s3://${dataBucket}/${outputPrefix}`];
  } else {
    job = "smoke_test";
    outputPrefix = `${processed}smoke/${runId}/`;
    args = ["--output", `s3://${dataBucket}/${outputPrefix}`];
  }
  const submitted = await submitStep(ctx, clusterId, uploaded, job, args, { actionOnFailure: "CONTINUE", name: `test ${job} ${runId}` });
  await followStep(ctx, submitted, options.timeoutMinutes, options.tailLines);
  ctx.out.line(`  step ${submitted.stepId} COMPLETED; output in s3://${dataBucket}/${outputPrefix}`);
  if (job === "smoke_test") {
    try {
      const object = await ctx.clients.s3.send(new GetObjectCommand({ Bucket: dataBucket, Key: `${outputPrefix}result.json` }));
      ctx.out.line(`  result.json: ${(await object.Body!.transformToString()).trim()}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      ctx.out.warn(`the smoke test completed but wrote no s3://${dataBucket}/${outputPrefix}result.json`);
    }
  }
}

export async function testCommand(ctx: CommandContext, options: TestOptions): Promise<number> {
  await runClusterTest(ctx, options);
  return 0;
}

export function defineTest(run: CommandRunner): Command {
  return withBucketOptions(envCommand("test", "run a validation job as an EMR step, wait for it, print stderr's tail if it fails"))
    .addOption(testJobOption())
    .option("--logs-bucket <name>", "logs bucket, when the cluster has no log URI")
    .option("--timeout <minutes>", "minutes to wait for the step", positiveNumber, 30)
    .action(run((ctx, options: { job: TestJob; timeout: number }) => testCommand(ctx, { job: options.job, timeoutMinutes: options.timeout })));
}

/**
 * `upload`: package spark-jobs/ and upload what changed to the artifacts bucket. It records the upload as the code
 * scheduled pipeline runs execute only with --for-schedules: trying code must not change what tomorrow's schedules run
 * (`deploy` records it).
 */
import type { Command } from "commander";
import { type CommandRunner, envCommand, intAtLeast, positiveInt, withBucketOptions } from "../lib/cli-args";
import type { CommandContext } from "../lib/context";
import { CliError } from "../lib/errors";
import { uploadArtifacts, type UploadSummary } from "../lib/artifacts";
import type { CodeManifest } from "../../contracts/step-functions";
import { codeManifest, writeCodeManifest } from "../lib/code-manifest";
import { type JobBundle, packageJobs } from "../lib/job-bundle";

export interface UploadOptions {
  concurrency?: number;
  /** Multipart part size (and threshold) in MiB. */
  partSizeMb?: number;
  /** Also record this upload as the code scheduled pipeline executions run (scripts/lib/code-manifest.ts). */
  recordForPipelines?: boolean;
}

export interface UploadedBundle {
  bundle: JobBundle;
  bucket: string;
  summary: UploadSummary;
  /** What a pipeline execution runs: these artifacts' URIs. */
  code: CodeManifest;
}

const KIB = 1024;

/** S3's smallest multipart part (the last part excepted). */
const MIN_PART_SIZE_MIB = 5;

function size(bytes: number): string {
  return bytes < KIB * KIB ? `${(bytes / KIB).toFixed(1)} KiB` : `${(bytes / KIB / KIB).toFixed(1)} MiB`;
}

/** Packages and uploads (skipping unchanged artifacts); shared by upload, test, submit and deploy. */
export async function uploadJobs(ctx: CommandContext, options: UploadOptions = {}): Promise<UploadedBundle> {
  const bucket = await ctx.bucket("artifacts");
  const jobsPrefix = await ctx.prefix("jobs");
  const bundle = await packageJobs(ctx.jobsDir, jobsPrefix);
  const { outputs } = await ctx.outputs();
  const summary = await uploadArtifacts(ctx.clients.s3, bundle.artifacts, {
    bucket,
    concurrency: options.concurrency,
    partSizeBytes: options.partSizeMb ? options.partSizeMb * KIB * KIB : undefined,
    kmsKeyArn: outputs.kmsKeyArn,
    onResult: (r) => ctx.out.line(`  ${r.action === "uploaded" ? "uploaded" : "unchanged"}  ${r.uri} (${size(r.artifact.body.length)})`),
  });
  ctx.out.line(`  ${summary.uploaded} uploaded (${size(summary.bytesUploaded)}), ${summary.skipped} unchanged`);
  const code = codeManifest(bucket, bundle, jobsPrefix);
  if (options.recordForPipelines) {
    ctx.out.line(`  scheduled pipeline runs now use this code: ${await writeCodeManifest(ctx.clients.s3, bucket, code, outputs.kmsKeyArn)}`);
  }
  return { bundle, bucket, summary, code };
}

/** The uploaded entry script and `--py-files` zip of `job`: what a cluster step and a serverless job run both get. */
export function jobArtifactUris(ctx: CommandContext, uploaded: UploadedBundle, job: string): { entryUri: string; pyFilesUri: string } {
  const entry = uploaded.bundle.entrypoints[job];
  if (!entry) throw new CliError(`the job catalogue names ${job}, but ${ctx.jobsDir} has no entrypoints/${job}.py; fix: add it, or regenerate the catalogue (npm run jobs:catalog)`);
  return { entryUri: `s3://${uploaded.bucket}/${entry.key}`, pyFilesUri: `s3://${uploaded.bucket}/${uploaded.bundle.pyFiles.key}` };
}

export async function uploadCommand(ctx: CommandContext, options: UploadOptions): Promise<number> {
  await uploadJobs(ctx, options);
  if (!options.recordForPipelines) ctx.out.line(`  scheduled pipeline runs keep their code (deploy records it; --for-schedules records this upload)`);
  return 0;
}

export function defineUpload(run: CommandRunner): Command {
  return withBucketOptions(envCommand("upload", "package spark-jobs/ and upload changed artifacts under content-addressed keys"))
    .option("--concurrency <n>", "parallel uploads", positiveInt, 4)
    .option("--part-size <MiB>", "multipart part size (and threshold) in MiB, at least 5", intAtLeast(MIN_PART_SIZE_MIB), 8)
    .option("--for-schedules", "also record this upload in jobs/pipeline-code.json: the code scheduled and data-arrival pipeline runs execute from then on (deploy records it too)")
    .addHelpText("after", "\nWithout --for-schedules, scheduled pipeline runs keep the code `deploy` (or an upload --for-schedules) recorded;\n`pipeline run` passes its own code in the execution's input.")
    .action(
      run((ctx, options: { concurrency: number; partSize: number; forSchedules?: boolean }) =>
        uploadCommand(ctx, { concurrency: options.concurrency, partSizeMb: options.partSize, recordForPipelines: Boolean(options.forSchedules) }),
      ),
    );
}

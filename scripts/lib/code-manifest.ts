/**
 * The code manifest: which uploaded artifacts a pipeline execution runs. `pipeline run` passes it as the execution's
 * `code` input, and only there; `deploy` (and `upload --for-schedules`) write it to
 * `s3://<artifacts>/jobs/pipeline-code.json`, which scheduled and data-arrival executions (no input from a person)
 * read (the shape and the key are agreed in contracts/step-functions.ts). `pipeline run`, `upload` without the flag, `test` and `submit` leave it
 * alone: an ad-hoc run or a try from a developer's checkout must not become tomorrow's scheduled code.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CODE_MANIFEST_KEY, type CodeManifest } from "../../contracts/step-functions";
import type { JobBundle } from "./job-bundle";

export function codeManifest(bucket: string, bundle: JobBundle, jobsPrefix: string): CodeManifest {
  const uri = (key: string) => `s3://${bucket}/${key}`;
  return {
    prefix: uri(jobsPrefix),
    pyFiles: uri(bundle.pyFiles.key),
    requirements: uri(bundle.requirements.key),
    entrypoints: Object.fromEntries(Object.entries(bundle.entrypoints).map(([job, artifact]) => [job, uri(artifact.key)])),
  };
}

/** Records `manifest` as the code scheduled executions run; returns its URI. */
export async function writeCodeManifest(s3: S3Client, bucket: string, manifest: CodeManifest, kmsKeyArn?: string): Promise<string> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: CODE_MANIFEST_KEY,
      Body: `${JSON.stringify(manifest, null, 2)}\n`,
      ContentType: "application/json",
      ...(kmsKeyArn ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: kmsKeyArn } : {}),
    }),
  );
  return `s3://${bucket}/${CODE_MANIFEST_KEY}`;
}

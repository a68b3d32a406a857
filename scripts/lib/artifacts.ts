/**
 * Uploads content-addressed artifacts to S3: an object whose key and sha256 metadata already match is skipped, so a
 * second run uploads nothing; uploads run in parallel with a bound; bodies above the part size go multipart.
 */
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { mapLimit } from "./concurrency";
import { CliError, isNotFound } from "./errors";
import type { Artifact } from "./job-bundle";

export interface UploadOptions {
  bucket: string;
  /** Parallel uploads. @default 4 */
  concurrency?: number;
  /** Bodies larger than this are uploaded in parts of this size (S3's minimum is 5 MiB). @default 8 MiB */
  partSizeBytes?: number;
  /** SSE-KMS key for the objects (the stack's key); omitted: the bucket's default encryption. */
  kmsKeyArn?: string;
  onResult?: (result: UploadResult) => void;
}

export interface UploadResult {
  artifact: Artifact;
  uri: string;
  action: "uploaded" | "skipped";
}

export interface UploadSummary {
  results: UploadResult[];
  uploaded: number;
  skipped: number;
  bytesUploaded: number;
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/** True when the bucket already holds exactly this content under this key. */
async function isCurrent(s3: Pick<S3Client, "send">, bucket: string, artifact: Artifact): Promise<boolean> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: artifact.key }));
    return head.Metadata?.sha256 === artifact.sha256 && head.ContentLength === artifact.body.length;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export async function uploadArtifacts(s3: S3Client, artifacts: readonly Artifact[], options: UploadOptions): Promise<UploadSummary> {
  try {
    return await upload(s3, artifacts, options);
  } catch (err) {
    if ((err as Error).name === "NoSuchBucket") {
      throw new CliError(`bucket ${options.bucket} does not exist; fix: check --artifacts-bucket/--data-bucket or the stack's outputs`);
    }
    throw err;
  }
}

async function upload(s3: S3Client, artifacts: readonly Artifact[], options: UploadOptions): Promise<UploadSummary> {
  const partSize = Math.max(options.partSizeBytes ?? DEFAULT_PART_SIZE, MIN_PART_SIZE);
  const results = await mapLimit(artifacts, options.concurrency ?? 4, async (artifact): Promise<UploadResult> => {
    const uri = `s3://${options.bucket}/${artifact.key}`;
    let result: UploadResult;
    if (await isCurrent(s3, options.bucket, artifact)) {
      result = { artifact, uri, action: "skipped" };
    } else {
      const upload = new Upload({
        client: s3,
        partSize,
        queueSize: 2,
        leavePartsOnError: false,
        params: {
          Bucket: options.bucket,
          Key: artifact.key,
          Body: artifact.body,
          ContentType: artifact.contentType,
          Metadata: { sha256: artifact.sha256 },
          ...(options.kmsKeyArn ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: options.kmsKeyArn } : {}),
        },
      });
      await upload.done();
      result = { artifact, uri, action: "uploaded" };
    }
    options.onResult?.(result);
    return result;
  });
  const uploaded = results.filter((r) => r.action === "uploaded");
  return {
    results,
    uploaded: uploaded.length,
    skipped: results.length - uploaded.length,
    bytesUploaded: uploaded.reduce((sum, r) => sum + r.artifact.body.length, 0),
  };
}

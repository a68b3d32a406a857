/**
 * The stream job's stop marker (StreamingOutput.stopMarkerUri): the job polls it between micro-batches and, when it
 * exists, lets the current batch finish and stops the query, leaving a consistent checkpoint. `stream stop` writes it;
 * `stream start` removes one left from the last stop, which would otherwise stop the new step at its first batch.
 */
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isNotFound } from "./errors";
import { parseS3Uri } from "./step-logs";

/** Writes the marker (encrypted with the platform key when the outputs name it, as every other write of the CLI). */
export async function writeStopMarker(s3: Pick<S3Client, "send">, uri: string, requestedAt: Date, kmsKeyArn?: string): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: `${JSON.stringify({ requestedAt: requestedAt.toISOString(), by: "npm run emr -- stream stop" })}\n`,
      ContentType: "application/json",
      ...(kmsKeyArn ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: kmsKeyArn } : {}),
    }),
  );
}

/** Removes the marker; true when there was one. */
export async function clearStopMarker(s3: Pick<S3Client, "send">, uri: string): Promise<boolean> {
  const { bucket, key } = parseS3Uri(uri);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return true;
}

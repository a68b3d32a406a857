/**
 * The Terraform state bucket an environment's S3 backend needs before the first `terraform init`: Terraform cannot
 * create the bucket it stores its own state in, so `bootstrap` does, once per account. Every setting is read first
 * and applied only when missing, so a rerun changes nothing and says so.
 */
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CliError } from "./errors";

type S3Api = Pick<S3Client, "send">;

export type BucketPresence = "exists" | "missing";

/** What the backend's region is compared with, and where it comes from (for the message). */
export interface ExpectedRegion {
  region: string;
  /** e.g. `stateBackend.region` or `region (stateBackend.region is unset)` */
  setting: string;
}

/** Which setting decides where the backend looks for the bucket: stateBackend.region, else the environment's region. */
export function stateBackendRegionSetting(environment: string, backendRegion: string | undefined): string {
  return backendRegion ? `stateBackend.region in environments/${environment}.ts` : `environments/${environment}.ts (region; stateBackend.region is unset)`;
}

/** GetBucketLocation's LocationConstraint as a region: empty is us-east-1, "EU" the legacy eu-west-1 (API reference). */
export function regionOfLocation(constraint: string | undefined): string {
  if (!constraint) return "us-east-1";
  return constraint === "EU" ? "eu-west-1" : constraint;
}

/**
 * HeadBucket: 404 is missing; 403 means the name is someone else's (bucket names are global) or access is denied.
 * With `expected`, a bucket in another region is refused: Terraform's S3 backend would look for it in the wrong one.
 * The region comes from HeadBucket's x-amz-bucket-region header (also sent with the 301 S3 answers when asked in the
 * wrong region), else GetBucketLocation (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
 */
export async function stateBucketPresence(s3: S3Api, bucket: string, expected?: ExpectedRegion): Promise<BucketPresence> {
  let actual: string | undefined;
  try {
    actual = (await s3.send(new HeadBucketCommand({ Bucket: bucket }))).BucketRegion;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (err as Error).name === "NotFound" || (err as Error).name === "NoSuchBucket") return "missing";
    const header = (err as { $response?: { headers?: Record<string, string | undefined> } }).$response?.headers?.["x-amz-bucket-region"];
    if (status === 301 && header) actual = header;
    else {
      if (status === 403) {
        throw new CliError(`the state bucket ${bucket} exists but these credentials may not use it (HTTP 403): another account owns the name, or access is denied; fix: pick another stateBackend.bucket, or use the owning account's credentials`);
      }
      throw err;
    }
  }
  if (expected) {
    actual ??= regionOfLocation((await s3.send(new GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint);
    if (actual !== expected.region) {
      throw new CliError(`the state bucket ${bucket} is in ${actual}, but ${expected.setting} says ${expected.region}; nothing was changed. fix: region: "${actual}" in stateBackend`);
    }
  }
  return "exists";
}

export interface SettingResult {
  setting: string;
  action: "applied" | "already";
  detail: string;
}

const TLS_ONLY_SID = "DenyInsecureTransport";

/** Denies every S3 action on the bucket and its objects over plain HTTP (the aws:SecureTransport condition). */
export function tlsOnlyStatement(bucket: string): object {
  return {
    Sid: TLS_ONLY_SID,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

function errorName(err: unknown): string {
  return (err as Error).name ?? "";
}

/** The answer of a Get* call, or undefined when S3 says the configuration is absent (`absentCodes`). */
async function readOrAbsent<T>(read: () => Promise<T>, absentCodes: readonly string[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (absentCodes.includes(errorName(err))) return undefined;
    throw err;
  }
}

/**
 * Creates the bucket when missing (BucketOwnerEnforced from the start) and makes sure of every posture setting:
 * versioning, default encryption (SSE-KMS with the AWS-managed key; SSE-S3 already in place is accepted), all four
 * public access blocks, BucketOwnerEnforced and a TLS-only policy.
 */
export async function ensureStateBucket(s3: S3Api, bucket: string, region: string, setting = "stateBackend.region"): Promise<{ created: boolean; settings: SettingResult[] }> {
  const created = (await stateBucketPresence(s3, bucket, { region, setting })) === "missing";
  if (created) {
    // us-east-1 is the one region that refuses its own name as LocationConstraint (CreateBucket API reference).
    const location = region === "us-east-1" ? undefined : { LocationConstraint: region as never };
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: location, ObjectOwnership: "BucketOwnerEnforced" }));
  }
  const settings: SettingResult[] = [];

  const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  if (versioning.Status === "Enabled") settings.push({ setting: "versioning", action: "already", detail: "Enabled" });
  else {
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    settings.push({ setting: "versioning", action: "applied", detail: "Enabled" });
  }

  const encryption = await readOrAbsent(() => s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })), ["ServerSideEncryptionConfigurationNotFoundError"]);
  const algorithm = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  if (algorithm === "aws:kms" || algorithm === "aws:kms:dsse" || algorithm === "AES256") {
    settings.push({ setting: "encryption", action: "already", detail: algorithm === "AES256" ? "SSE-S3" : "SSE-KMS" });
  } else {
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" }, BucketKeyEnabled: true }] },
      }),
    );
    settings.push({ setting: "encryption", action: "applied", detail: "SSE-KMS (aws/s3 key, bucket key on)" });
  }

  const block = await readOrAbsent(() => s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })), ["NoSuchPublicAccessBlockConfiguration"]);
  const b = block?.PublicAccessBlockConfiguration;
  if (b?.BlockPublicAcls && b.BlockPublicPolicy && b.IgnorePublicAcls && b.RestrictPublicBuckets) {
    settings.push({ setting: "public access", action: "already", detail: "all blocked" });
  } else {
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      }),
    );
    settings.push({ setting: "public access", action: "applied", detail: "all blocked" });
  }

  const ownership = await readOrAbsent(() => s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })), ["OwnershipControlsNotFoundError"]);
  if (ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership === "BucketOwnerEnforced") {
    settings.push({ setting: "object ownership", action: "already", detail: "BucketOwnerEnforced" });
  } else {
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
    settings.push({ setting: "object ownership", action: "applied", detail: "BucketOwnerEnforced" });
  }

  const policyText = (await readOrAbsent(() => s3.send(new GetBucketPolicyCommand({ Bucket: bucket })), ["NoSuchBucketPolicy"]))?.Policy;
  const policy = policyText ? (JSON.parse(policyText) as { Version?: string; Statement?: unknown[] }) : { Version: "2012-10-17", Statement: [] };
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  if (statements.some(deniesInsecureTransport)) {
    settings.push({ setting: "TLS-only policy", action: "already", detail: "denies aws:SecureTransport=false" });
  } else {
    // Keep whatever the bucket's policy already says; add the one statement.
    const merged = { Version: policy.Version ?? "2012-10-17", Statement: [...statements, tlsOnlyStatement(bucket)] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(merged) }));
    settings.push({ setting: "TLS-only policy", action: "applied", detail: "denies aws:SecureTransport=false" });
  }
  return { created, settings };
}

function deniesInsecureTransport(statement: unknown): boolean {
  const s = statement as { Effect?: string; Condition?: { Bool?: Record<string, unknown> } };
  return s.Effect === "Deny" && String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false";
}

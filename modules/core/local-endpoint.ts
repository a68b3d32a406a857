import type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";

/** Services the stack touches; each is pointed at the local endpoint in the `local` environment. */
const SERVICES = ["cloudwatch", "ec2", "ecr", "emr", "emrserverless", "events", "iam", "kinesis", "kms", "logs", "s3", "sns", "sts"] as const;

/**
 * Provider settings for a local AWS endpoint (moto's server): every service at the endpoint, path-style S3, and no
 * credential, account or metadata checks. Credentials still come from the environment, never from config.
 */
export function localProviderSettings(endpoint: string): Partial<AwsProviderConfig> {
  return {
    endpoints: [Object.fromEntries(SERVICES.map((s) => [s, endpoint]))],
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: "true",
    skipRegionValidation: true,
  };
}

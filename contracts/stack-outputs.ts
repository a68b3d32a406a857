/**
 * The Terraform outputs every stack declares: the contract between the infrastructure and the operator CLI, which
 * reads them with `terraform output -json` instead of guessing names.
 */
export const STACK_OUTPUTS = {
  environment: "environment",
  region: "region",
  clusterId: "cluster_id",
  clusterName: "cluster_name",
  masterPublicDns: "master_public_dns",
  logUri: "log_uri",
  securityConfiguration: "security_configuration",
  dataBucket: "data_bucket",
  logsBucket: "logs_bucket",
  artifactsBucket: "artifacts_bucket",
  /** Prefix in the artifacts bucket under which the CLI uploads content-addressed job bundles. */
  jobsPrefix: "jobs_prefix",
  bootstrapPrefix: "bootstrap_prefix",
  rawPrefix: "raw_prefix",
  processedPrefix: "processed_prefix",
  rejectedPrefix: "rejected_prefix",
  kmsKeyArn: "kms_key_arn",
  alarmTopicArn: "alarm_topic_arn",
  terminationProtected: "termination_protected",
  /**
   * JSON-encoded map pipeline name → { stateMachineArn, runtime: "transient" | "cluster", schedule: { cron, timezone }
   * | null, trigger: { prefix, marker } | null, steps: [step names], codeManifest } (modules/pipeline PipelineOutput);
   * `{}` when the environment runs no pipeline. Read by `npm run emr -- pipeline …` (scripts/lib/pipeline-outputs.ts).
   */
  pipelines: "pipelines",
  /**
   * JSON-encoded ServerlessOutput (modules/serverless/target.ts) when the environment enables EMR Serverless, else
   * `{}`. Read by `npm run emr -- submit --serverless`, `runs`, `logs`, `info` and `image`.
   */
  serverless: "serverless",
  /** JSON-encoded CatalogOutput (modules/catalog/target.ts): the Glue database, Athena workgroup, results location
   * and table names. Read by `npm run emr -- tables` and `query`. */
  catalog: "catalog",
  /** JSON-encoded StreamingOutput (modules/streaming/target.ts) when streaming is enabled, else `{}`. Read by
   * `npm run emr -- stream start|status|stop|put`. */
  streaming: "streaming",
} as const;

export type StackOutputKey = keyof typeof STACK_OUTPUTS;
export type StackOutputs = { [K in StackOutputKey]: string };

/** Fixed key prefixes (trailing slash included), so the CLI and the IAM policy agree without a round trip. */
export const PREFIXES = {
  raw: "raw/",
  processed: "processed/",
  rejected: "rejected/",
  jobs: "jobs/",
  bootstrap: "bootstrap/",
  certificates: "certificates/",
  emrLogs: "emr/",
  accessLogs: "s3-access/",
  flowLogs: "vpc-flow-logs/",
  /** EMR Serverless job runs' driver and executor logs (logs bucket; the application's S3 monitoring configuration). */
  serverlessLogs: "emr-serverless/",
  /** Athena query results of the environment's workgroup (logs bucket; expired after catalog.athena.resultsRetentionDays). */
  athenaResults: "athena-results/",
  /** Streaming jobs' results (data bucket): `financial/` below it holds bars, indicators, rejected, progress, _control. */
  streaming: "streaming/",
  /** Structured Streaming checkpoints (data bucket), one folder per query. */
  checkpoints: "checkpoints/",
} as const;

/**
 * `<project>-<env>`: the prefix of every resource name the stack gives (the cluster, buckets, state machines
 * `<project>-<env>-<pipeline>`), which the CLI uses to tell this environment's resources from another's.
 */
export const resourcePrefix = (config: { readonly project: string; readonly name: string }): string => `${config.project}-${config.name}`;

/** `emr-<env>`: `cdktf plan emr-dev` and `cdktf deploy 'emr-*'` select naturally. */
export const stackId = (environment: string): string => `emr-${environment}`;

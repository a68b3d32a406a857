import { Fn, LocalBackend, S3Backend, TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import { declaredPipelines, loadPipelines } from "../environments";
import type { EnvironmentConfig } from "../environments/schema";
import { AccountContext } from "./core/account-context";
import { PlatformCatalog } from "./catalog/platform-catalog";
import { applyPlatformAspects, ResolvedOnceStack } from "./aspects";
import { PlatformCluster } from "./emr-cluster";
import { PlatformIam } from "./iam/platform-iam";
import { PlatformMonitoring } from "./monitoring";
import { PlatformNetwork } from "./network/platform-network";
import { PlatformPipelines } from "./pipeline/platform-pipelines";
import { PlatformServerless } from "./serverless/platform-serverless";
import { PREFIXES, resourcePrefix, STACK_OUTPUTS, type StackOutputKey } from "../contracts/stack-outputs";
import { localProviderSettings } from "./core/local-endpoint";
import { EmrEncryption } from "./security/emr-encryption";
import { ClusterSecurityGroups } from "./security/cluster-security-groups";
import { PlatformStorage } from "./storage/platform-storage";
import { PlatformStreaming } from "./streaming/platform-streaming";

/**
 * One environment's EMR platform: wires the modules in dependency order and declares the outputs the operator CLI
 * reads. No resource logic lives here. A ResolvedOnceStack: cdk.tf.json is written from the JSON the platform aspects
 * resolved (modules/aspects/resolution-handoff.ts).
 */
export class EmrPlatformStack extends ResolvedOnceStack {
  readonly config: EnvironmentConfig;
  readonly storage: PlatformStorage;
  readonly network: PlatformNetwork;
  readonly iam: PlatformIam;
  readonly securityGroups: ClusterSecurityGroups;
  readonly encryption: EmrEncryption;
  readonly cluster: PlatformCluster;
  readonly monitoring: PlatformMonitoring;
  readonly pipelines: PlatformPipelines;
  /** Only when config.serverless.enabled. */
  readonly serverless?: PlatformServerless;
  readonly catalog: PlatformCatalog;
  /** Only when config.streaming.enabled. */
  readonly streaming?: PlatformStreaming;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id);
    this.config = config;
    const name = resourcePrefix(config);

    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
      defaultTags: [{ tags: { Environment: config.name, Project: config.project, Owner: config.owner, ManagedBy: "cdktf" } }],
      ...(config.endpoint ? localProviderSettings(config.endpoint) : {}),
    });
    this.configureBackend(id, config);

    const account = new AccountContext(this, "account", config.region);
    this.storage = new PlatformStorage(this, "storage", { config, name, account });
    this.network = new PlatformNetwork(this, "network", {
      network: config.network,
      region: config.region,
      name,
      flowLogBucket: this.storage.logs,
      account,
    });
    this.iam = new PlatformIam(this, "iam", { config, name, account, storage: this.storage });
    this.securityGroups = new ClusterSecurityGroups(this, "security-groups", { access: config.access, name, vpcId: this.network.vpcId });
    this.encryption = new EmrEncryption(this, "encryption", { config, name, key: this.storage.key, artifacts: this.storage.artifacts });
    this.cluster = new PlatformCluster(this, "cluster", {
      config,
      name,
      subnetId: this.network.clusterSubnetId,
      subnetIds: this.network.privateSubnetIds,
      serviceRole: this.iam.serviceRole,
      instanceProfile: this.iam.instanceProfile,
      autoscalingRole: this.iam.autoscalingRole,
      securityGroups: this.securityGroups,
      securityConfiguration: this.encryption.securityConfiguration,
      logsBucket: this.storage.logs,
      artifactsBucket: this.storage.artifacts,
      dependsOn: [...this.iam.policyAttachments, ...this.network.clusterDependencies, ...this.securityGroups.rules],
    });
    this.monitoring = new PlatformMonitoring(this, "monitoring", {
      config,
      name,
      clusterId: this.cluster.cluster.id,
      kmsKey: this.storage.key.key,
    });
    if (config.serverless.enabled) {
      this.serverless = new PlatformServerless(this, "emr-serverless", { // not "serverless": the output of that name is a sibling
        config,
        name,
        account,
        storage: this.storage,
        vpcId: this.network.vpcId,
        privateSubnetIds: this.network.privateSubnetIds,
      });
    }

    // Every environment catalogs its outputs; the jobs' roles only read the catalog.
    this.catalog = new PlatformCatalog(this, "glue-catalog", { // not "catalog": the output of that name is a sibling
      config,
      name,
      account,
      storage: this.storage,
      pipelines: declaredPipelines(),
    });
    this.catalog.grantRead(this.iam.instancePolicy, "GlueCatalogRead");
    if (this.serverless) this.catalog.grantRead(this.serverless.runtimeRole.policy, "GlueCatalogRead");

    this.pipelines = new PlatformPipelines(this, "pipeline", {
      config,
      name,
      account,
      pipelines: loadPipelines(config),
      cluster: { references: this.cluster.references, clusterId: this.cluster.cluster.id },
      ec2RoleArn: this.iam.instanceRole.arn,
      buckets: { data: this.storage.data, artifacts: this.storage.artifacts, logs: this.storage.logs },
      kmsKeyArn: this.storage.key.arn,
      topicArn: this.monitoring.topic.arn,
      topicAccess: this.monitoring,
      serverless: this.serverless?.target,
    });

    if (config.streaming.enabled) {
      this.streaming = new PlatformStreaming(this, "stream", { // not "streaming": the output of that name is a sibling
        config,
        name,
        storage: this.storage,
        instancePolicy: this.iam.instancePolicy,
        topicArn: this.monitoring.topic.arn,
        topicAccess: this.monitoring,
      });
    }

    this.declareOutputs({
      environment: config.name,
      region: config.region,
      clusterId: this.cluster.cluster.id,
      clusterName: this.cluster.cluster.name,
      masterPublicDns: this.cluster.cluster.masterPublicDns,
      logUri: this.cluster.logUri,
      securityConfiguration: this.encryption.securityConfiguration.name,
      dataBucket: this.storage.data.bucketName,
      logsBucket: this.storage.logs.bucketName,
      artifactsBucket: this.storage.artifacts.bucketName,
      jobsPrefix: PREFIXES.jobs,
      bootstrapPrefix: PREFIXES.bootstrap,
      rawPrefix: PREFIXES.raw,
      processedPrefix: PREFIXES.processed,
      rejectedPrefix: PREFIXES.rejected,
      kmsKeyArn: this.storage.key.arn,
      alarmTopicArn: this.monitoring.topic.arn,
      terminationProtected: String(config.terminationProtection),
      pipelines: Fn.jsonencode(Object.fromEntries(Object.entries(this.pipelines.pipelines).map(([n, p]) => [n, p.output]))),
      serverless: this.serverless?.output ?? "{}",
      streaming: this.streaming?.output ?? "{}",
      catalog: this.catalog.output,
    });

    applyPlatformAspects(this, config);
  }

  private configureBackend(id: string, config: EnvironmentConfig): void {
    const backend = config.stateBackend;
    if (backend.type === "local") {
      // Relative to the stack's working directory (cdktf.out/stacks/<id>): the state file sits at the project root.
      new LocalBackend(this, { path: backend.path ?? `../../../terraform.${id}.tfstate` });
      return;
    }
    const s3 = new S3Backend(this, {
      bucket: backend.bucket,
      key: backend.key ?? `emr-platform/${config.name}/terraform.tfstate`,
      region: backend.region ?? config.region,
      encrypt: true,
    });
    // S3-native state locking (Terraform >= 1.10); cdktf 0.21 predates the option, hence the override.
    s3.addOverride("use_lockfile", true);
  }

  private declareOutputs(values: Record<StackOutputKey, string>): void {
    for (const [key, value] of Object.entries(values) as [StackOutputKey, string][]) {
      new TerraformOutput(this, STACK_OUTPUTS[key], { value, description: `emr-platform: ${key}` });
    }
  }
}

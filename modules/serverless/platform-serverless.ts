import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import {
  EmrserverlessApplication,
  type EmrserverlessApplicationInitialCapacity,
} from "@cdktf/provider-aws/lib/emrserverless-application";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { PREFIXES } from "../../contracts/stack-outputs";
import type { EnvironmentConfig } from "../../environments/schema";
import type { ServerlessWorker } from "../../environments/serverless";
import type { AccountContext } from "../core/account-context";
import type { PlatformStorage } from "../storage/platform-storage";
import { ImageRepository } from "./image-repository";
import { SERVERLESS_GLUE_METASTORE } from "../emr-cluster/classifications";
import { ServerlessRuntimeRole } from "./runtime-role";
import type { ServerlessOutput, ServerlessTarget } from "./target";

/** The part of the environment config the serverless application reads. */
export type PlatformServerlessConfig = Pick<EnvironmentConfig, "serverless" | "releaseLabel" | "logging" | "storage">;

export interface PlatformServerlessProps {
  readonly config: PlatformServerlessConfig;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly account: AccountContext;
  readonly storage: PlatformStorage;
  readonly vpcId: string;
  /** The platform's private subnets: the application's workers get their network interfaces there. */
  readonly privateSubnetIds: string[];
}

/** CreateApplication's capacity strings: "4 vCPU", "16 GB" ("Application configuration" in the EMR Serverless guide). */
const vcpu = (n: number) => `${n} vCPU`;
const gb = (n: number) => `${n} GB`;

function initialCapacity(pool: NonNullable<PlatformServerlessConfig["serverless"]["initialCapacity"]>): EmrserverlessApplicationInitialCapacity[] {
  const workers: [string, ServerlessWorker | undefined][] = [["Driver", pool.driver], ["Executor", pool.executor]];
  return workers.flatMap(([type, worker]) =>
    worker
      ? [{
          initialCapacityType: type,
          initialCapacityConfig: {
            workerCount: worker.count,
            workerConfiguration: { cpu: vcpu(worker.cpu), memory: gb(worker.memoryGb), disk: gb(worker.diskGb) },
          },
        }]
      : [],
  );
}

/**
 * EMR Serverless, the second runtime: one Spark application per environment in the platform's private subnets, its
 * job runtime role, the jobs' image repository and where job logs go (S3 under PREFIXES.serverlessLogs and a
 * CloudWatch log group, both encrypted with the platform key). Created only when `serverless.enabled`.
 */
export class PlatformServerless extends Construct {
  readonly application: EmrserverlessApplication;
  readonly runtimeRole: ServerlessRuntimeRole;
  readonly images: ImageRepository;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  /** What the pipelines need (branch C: serverless pipeline steps). */
  readonly target: ServerlessTarget;
  /** The `serverless` stack output: a Terraform expression rendering ServerlessOutput as JSON. */
  readonly output: string;

  constructor(scope: Construct, id: string, props: PlatformServerlessProps) {
    super(scope, id);
    const { config, name, account, storage } = props;
    const serverless = config.serverless;
    const applicationName = `${name}-spark`;

    this.images = new ImageRepository(this, "images", { name, account, key: storage.key, forceDelete: config.storage.forceDestroy });
    const imageUri = serverless.imageTag ? `${this.images.url}:${serverless.imageTag}` : null;

    // Workers reach S3 (gateway endpoint) and AWS APIs through the NAT; nothing connects to them.
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: `${name}-serverless`,
      description: `EMR Serverless workers of ${name}: egress only`,
      vpcId: props.vpcId,
      tags: { Name: `${name}-serverless` },
    });
    new VpcSecurityGroupEgressRule(this, "egress", {
      securityGroupId: this.securityGroup.id,
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
      description: "Outbound to AWS APIs and S3",
    });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/emr-serverless/${applicationName}`,
      retentionInDays: config.logging.retentionDays,
      kmsKeyId: storage.key.arn,
    });
    const logUri = storage.logs.s3Uri(PREFIXES.serverlessLogs);

    this.application = new EmrserverlessApplication(this, "application", {
      name: applicationName,
      type: "SPARK",
      releaseLabel: config.releaseLabel,
      architecture: serverless.architecture,
      maximumCapacity: {
        cpu: vcpu(serverless.maximumCapacity.cpuVcpu),
        memory: gb(serverless.maximumCapacity.memoryGb),
        disk: gb(serverless.maximumCapacity.diskGb),
      },
      autoStartConfiguration: { enabled: serverless.autoStart },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: serverless.autoStopIdleMinutes },
      ...(serverless.initialCapacity ? { initialCapacity: initialCapacity(serverless.initialCapacity) } : {}),
      networkConfiguration: { subnetIds: props.privateSubnetIds, securityGroupIds: [this.securityGroup.id] },
      monitoringConfiguration: {
        s3MonitoringConfiguration: { logUri, encryptionKeyArn: storage.key.arn },
        cloudwatchLoggingConfiguration: { enabled: true, logGroupName: this.logGroup.name, encryptionKeyArn: storage.key.arn },
      },
      // Job concurrency and queuing (EMR Serverless guide, "Job concurrency and queuing"; emr-7.0.0 and later).
      schedulerConfiguration: {
        maxConcurrentRuns: serverless.scheduler.maxConcurrentRuns,
        queueTimeoutMinutes: serverless.scheduler.queueTimeoutMinutes,
      },
      ...(imageUri ? { imageConfiguration: { imageUri } } : {}),
      // Glue Data Catalog as the metastore, as on the clusters (one source: emr-cluster/classifications.ts).
      runtimeConfiguration: [SERVERLESS_GLUE_METASTORE],
      dependsOn: [this.images.policy],
    });

    this.runtimeRole = new ServerlessRuntimeRole(this, "runtime-role", {
      name,
      account,
      storage,
      applicationArn: this.application.arn,
      logGroupArn: this.logGroup.arn,
    });

    this.target = {
      applicationId: this.application.id,
      applicationArn: this.application.arn,
      runtimeRoleArn: this.runtimeRole.role.arn,
      hasJobsImage: imageUri !== null,
    };
    const output: ServerlessOutput = {
      applicationId: this.application.id,
      applicationArn: this.application.arn,
      applicationName,
      runtimeRoleArn: this.runtimeRole.role.arn,
      releaseLabel: config.releaseLabel,
      architecture: serverless.architecture,
      imageRepositoryUrl: this.images.url,
      imageUri,
      logUri,
    };
    this.output = Fn.jsonencode(output);
  }
}

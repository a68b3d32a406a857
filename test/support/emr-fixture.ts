/** Creates what `terraform apply` would have created, directly in moto: a tagged cluster and the three buckets. */
import { type EMRClient, RunJobFlowCommand, SetTerminationProtectionCommand } from "@aws-sdk/client-emr";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";

export interface FixtureCluster {
  environment: string;
  project?: string;
  name?: string;
  /** null: a cluster without a log URI. */
  logUri?: string | null;
  keyName?: string;
  protected?: boolean;
  withAutoscaling?: boolean;
}

export async function createCluster(emr: EMRClient, fixture: FixtureCluster): Promise<string> {
  const project = fixture.project ?? "emr-platform";
  const { JobFlowId } = await emr.send(
    new RunJobFlowCommand({
      Name: fixture.name ?? `${project}-${fixture.environment}`,
      ReleaseLabel: "emr-7.12.0",
      LogUri: fixture.logUri === null ? undefined : (fixture.logUri ?? "s3://emr-platform-logs/emr/"),
      Applications: ["Hadoop", "Spark", "Livy", "Zeppelin"].map((Name) => ({ Name })),
      Instances: {
        KeepJobFlowAliveWhenNoSteps: true,
        Ec2KeyName: fixture.keyName,
        InstanceGroups: [
          { Name: "master", InstanceRole: "MASTER", InstanceType: "m5.xlarge", InstanceCount: 1, Market: "ON_DEMAND" },
          { Name: "core", InstanceRole: "CORE", InstanceType: "m5.xlarge", InstanceCount: 2, Market: "ON_DEMAND" },
          {
            Name: "task",
            InstanceRole: "TASK",
            InstanceType: "m5.xlarge",
            InstanceCount: 0,
            Market: "SPOT",
            ...(fixture.withAutoscaling
              ? {
                  AutoScalingPolicy: {
                    Constraints: { MinCapacity: 0, MaxCapacity: 4 },
                    Rules: [
                      {
                        Name: "ScaleOutMemory",
                        Action: { SimpleScalingPolicyConfiguration: { ScalingAdjustment: 1 } },
                        Trigger: { CloudWatchAlarmDefinition: { ComparisonOperator: "LESS_THAN", MetricName: "YARNMemoryAvailablePercentage", Period: 300, Threshold: 15 } },
                      },
                    ],
                  },
                }
              : {}),
          },
        ],
      },
      JobFlowRole: "emr-platform-instance-profile",
      ServiceRole: "emr-platform-service-role",
      SecurityConfiguration: "emr-platform-sc-abc123",
      VisibleToAllUsers: true,
      Tags: [
        { Key: "Environment", Value: fixture.environment },
        { Key: "Project", Value: project },
      ],
    }),
  );
  if (fixture.protected) await emr.send(new SetTerminationProtectionCommand({ JobFlowIds: [JobFlowId!], TerminationProtected: true }));
  return JobFlowId!;
}

export async function createBuckets(s3: S3Client, names: readonly string[]): Promise<void> {
  for (const Bucket of names) await s3.send(new CreateBucketCommand({ Bucket }));
}

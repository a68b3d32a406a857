import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { environmentInput, loadEnvironment, parseEnvironment } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { PlatformIam } from "../../modules/iam/platform-iam";
import { PlatformStorage } from "../../modules/storage/platform-storage";
import { documentStatements, policyStatements, resources, synthWith } from "./harness";

function iam(config: EnvironmentConfig) {
  let built: PlatformIam | undefined;
  const out = synthWith((scope, account) => {
    const storage = new PlatformStorage(scope, "storage", { config, name: "emr-platform-dev", account });
    built = new PlatformIam(scope, "iam", { config, name: "emr-platform-dev", account, storage });
  });
  return { ...out, built: built! };
}

const isWildcardAction = (a: string) => a === "*" || /^[a-z0-9-]+:\*$/.test(a);

describe("PlatformIam", () => {
  const { json, parsed, built } = iam(loadEnvironment("dev"));

  test("the service role carries AmazonEMRServicePolicy_v2 and is assumable only by EMR of this account", () => {
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: expect.stringMatching(/:iam::aws:policy\/service-role\/AmazonEMRServicePolicy_v2$/),
    });
    const [trust] = documentStatements(parsed, "service-trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["elasticmapreduce.amazonaws.com"] }]);
    expect(trust.condition.map((c: any) => c.variable)).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
  });

  test("the service role may pass exactly the cluster's roles, and create KMS grants only for AWS resources", () => {
    const statements = documentStatements(parsed, "service-policy-document");
    const pass = statements.find((s) => s.sid === "PassClusterRoles")!;
    expect(pass.resources).toEqual([expect.stringContaining("aws_iam_role.iam_instance-role"), expect.stringContaining("aws_iam_role.iam_autoscaling-role")]);
    const grants = statements.find((s) => s.sid === "EbsEncryptionGrants")!;
    expect(grants.condition).toEqual([{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }]);
  });

  test("the instance policy is scoped to this environment's buckets and prefixes", () => {
    const statements = documentStatements(parsed, "instance-policy-document");
    const resourcesOf = (sid: string) => statements.find((s) => s.sid === sid)!.resources;
    expect(resourcesOf("DataObjects")).toEqual([
      expect.stringMatching(/storage_data_bucket.*\.arn}\/raw\/\*$/),
      expect.stringMatching(/\/processed\/\*$/),
      expect.stringMatching(/\/rejected\/\*$/),
    ]);
    expect(resourcesOf("ArtifactsObjects").map((r: string) => r.split("/").slice(-2)[0])).toEqual(["jobs", "bootstrap", "certificates"]);
    expect(resourcesOf("ClusterLogsObjects")).toEqual([expect.stringMatching(/storage_logs_bucket.*\/emr\/\*$/)]);
    expect(statements.find((s) => s.sid === "ArtifactsObjects")!.actions).not.toContain("s3:PutObject");
  });

  test("the EC2 instance-profile trust has no condition (EMR's documented EC2 trust; EC2 sends no aws:SourceAccount)", () => {
    const [trust] = documentStatements(parsed, "instance-trust");
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["ec2.amazonaws.com"] }]);
    expect(trust.actions).toEqual(["sts:AssumeRole"]);
    expect(trust).not.toHaveProperty("condition");
  });

  test("the autoscaling trust keeps aws:SourceAccount (confused-deputy protection)", () => {
    const [trust] = documentStatements(parsed, "autoscaling-trust");
    expect(trust.condition.map((c: any) => c.variable)).toEqual(["aws:SourceAccount"]);
  });

  test("nodes hold the EMR guide's key-user set on the platform key (local-disk and EBS encryption)", () => {
    const disk = documentStatements(parsed, "instance-policy-document").find((s) => s.sid === "LocalDiskEncryption")!;
    expect(disk.actions).toEqual(["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]);
    expect(disk.resources).toEqual([expect.stringMatching(/^\$\{aws_kms_key\.storage_key_\w+\.arn\}$/)]);
  });

  test("a certificate zip under another KMS key adds kms:Decrypt on that key only; without it there is none", () => {
    const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/0b7a9d4e-1111-2222-3333-444455556666";
    const input = environmentInput("prod");
    input.tls = { certificateZipS3Uri: "s3://emr-platform-prod-certificates/emr/certs.zip", certificateKmsKeyArn: keyArn };
    const statements = documentStatements(iam(parseEnvironment(input)).parsed, "instance-policy-document");
    expect(statements.find((s) => s.sid === "TlsCertificatesKey")).toEqual({ sid: "TlsCertificatesKey", actions: ["kms:Decrypt"], resources: [keyArn] });
    const plain = documentStatements(iam(loadEnvironment("prod")).parsed, "instance-policy-document");
    expect(plain.map((s) => s.sid)).toContain("TlsCertificates");
    expect(plain.map((s) => s.sid)).not.toContain("TlsCertificatesKey");
  });

  test("no policy grants a * action, and * resources appear only where AWS requires them", () => {
    const statements = policyStatements(parsed).filter((s) => s.effect !== "Deny");
    expect(statements.flatMap((s) => s.actions ?? []).filter(isWildcardAction)).toEqual([]);
    const starResources = statements.filter((s) => (s.resources ?? []).includes("*")).map((s) => s.sid);
    // Key policies ("*" = this key; CloudWatchLogsEncrypt for the pipelines' log groups) and PutMetricData.
    expect(starResources.sort()).toEqual(["AccountAdministersAndDelegatesToIam", "CloudWatchLogsEncrypt", "DeliveryServicesEncrypt", "EventBridgeEncrypt", "JobMetrics", "LogDeliveryEncrypt"]);
  });

  test("the autoscaling role exists with custom rules and carries the EMR autoscaling policy", () => {
    expect(built.autoscalingRole).toBeTruthy();
    const [trust] = documentStatements(parsed, "autoscaling-trust");
    expect(trust.principals[0].identifiers).toEqual(["elasticmapreduce.amazonaws.com", "application-autoscaling.amazonaws.com"]);
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, { policy_arn: expect.stringMatching(/AmazonElasticMapReduceforAutoScalingRole$/) });
    expect(built.policyAttachments).toHaveLength(4);
  });

  test("no autoscaling role with managed scaling (prod)", () => {
    const prod = iam(loadEnvironment("prod"));
    expect(prod.built.autoscalingRole).toBeUndefined();
    expect(resources(prod.parsed, "aws_iam_role").map(([id]) => id).some((id) => id.includes("autoscaling"))).toBe(false);
    const tls = documentStatements(prod.parsed, "instance-policy-document").find((s) => s.sid === "TlsCertificates")!;
    expect(tls.resources).toEqual([expect.stringMatching(/^arn:\$\{data\.aws_partition\..*\}:s3:::emr-platform-prod-certificates\/emr\/certs\.zip$/)]);
  });

  test("Kinesis access appears only when configured", () => {
    const sids = (config: EnvironmentConfig) => documentStatements(iam(config).parsed, "instance-policy-document").map((s) => s.sid);
    expect(sids(loadEnvironment("dev"))).not.toEqual(expect.arrayContaining(["KinesisRead"]));
    const arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/ticks";
    const config = parseEnvironment({ ...environmentInput("dev"), kinesisStreamArns: [arn] });
    const statements = documentStatements(iam(config).parsed, "instance-policy-document");
    expect(statements.find((s) => s.sid === "KinesisRead")!.resources).toEqual([arn]);
  });
});

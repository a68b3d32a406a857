/**
 * One describe per policy rule: the pure rule function on a compliant and a non-compliant resource, and a full synth
 * that fails naming the rule (or succeeds for the compliant variant).
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EmrBlockPublicAccessConfiguration } from "@cdktf/provider-aws/lib/emr-block-public-access-configuration";
import { EmrSecurityConfiguration } from "@cdktf/provider-aws/lib/emr-security-configuration";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { runPolicyGuard, type StackJson } from "../../policy";
import { cloudwatchLogGroupKms } from "../../policy/rules/cloudwatch-log-group-kms";
import { emrBlockPublicAccess } from "../../policy/rules/emr-block-public-access";
import { emrClusterLogging } from "../../policy/rules/emr-cluster-logging";
import { ec2TrustWithoutCondition } from "../../policy/rules/ec2-trust-without-condition";
import { emrClusterSecurityConfiguration } from "../../policy/rules/emr-cluster-security-configuration";
import { emrClusterWaitsForNetwork } from "../../policy/rules/emr-cluster-waits-for-network";
import { s3ListBucketForReaders } from "../../policy/rules/s3-list-bucket-for-readers";
import { emrSecurityConfigurationEncryption, encryptionProblems } from "../../policy/rules/emr-security-configuration-encryption";
import { iamNoWildcardActions, isWildcardAction } from "../../policy/rules/iam-no-wildcard-actions";
import { kmsKeyRotation } from "../../policy/rules/kms-key-rotation";
import { s3BucketPublicAccessBlock } from "../../policy/rules/s3-bucket-public-access-block";
import { s3BucketSseKms } from "../../policy/rules/s3-bucket-sse-kms";
import { s3BucketTlsOnly } from "../../policy/rules/s3-bucket-tls-only";
import { snsTopicKms } from "../../policy/rules/sns-topic-kms";
import { isWorldOpen, noWorldOpenIngress } from "../../policy/rules/world-open-ingress";
import {
  KEY_ARN,
  checkRule,
  emrCluster,
  findingsOf,
  newStack,
  secureBucket,
  secureSecurityConfiguration,
  symmetricKey,
  synthWithGuard,
} from "./fixtures";

const compliant = { status: "compliant" };
const notApplicable = { status: "not-applicable" };
const nonCompliant = (reason: RegExp) => ({ status: "non-compliant", reason: expect.stringMatching(reason) });

describe("no-world-open-ingress", () => {
  const openSsh = { fromPort: 22, toPort: 22, protocol: "tcp" };

  it("flags inline IPv4 and IPv6 ingress from the whole internet", () => {
    const stack = newStack();
    new SecurityGroup(stack, "v4", { ingress: [{ ...openSsh, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] }] });
    new SecurityGroup(stack, "v6", { ingress: [{ ...openSsh, ipv6CidrBlocks: ["::/0"] }] });
    expect(checkRule(noWorldOpenIngress, stack, "aws_security_group.v4")).toEqual(nonCompliant(/ingress\[0\] \(ports 22-22\) is open to 0\.0\.0\.0\/0/));
    expect(checkRule(noWorldOpenIngress, stack, "aws_security_group.v6")).toEqual(nonCompliant(/open to ::\/0/));
  });

  it("flags separate ingress rule resources of both kinds", () => {
    const stack = newStack();
    new SecurityGroupRule(stack, "legacy", { type: "ingress", securityGroupId: "sg-1", ...openSsh, cidrBlocks: ["0.0.0.0/0"] });
    new VpcSecurityGroupIngressRule(stack, "modern", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" });
    expect(checkRule(noWorldOpenIngress, stack, "aws_security_group_rule.legacy")).toEqual(nonCompliant(/0\.0\.0\.0\/0/));
    expect(checkRule(noWorldOpenIngress, stack, "aws_vpc_security_group_ingress_rule.modern")).toEqual(nonCompliant(/ports 443-443\) is open to ::\/0/));
  });

  it("allows private ranges and open egress", () => {
    const stack = newStack();
    new SecurityGroup(stack, "sg", {
      ingress: [{ ...openSsh, cidrBlocks: ["10.0.0.0/8"] }],
      egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }],
    });
    new SecurityGroupRule(stack, "egress", { type: "egress", securityGroupId: "sg-1", fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] });
    new VpcSecurityGroupIngressRule(stack, "vpn", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.8.0.0/16" });
    expect(checkRule(noWorldOpenIngress, stack, "aws_security_group.sg")).toEqual(compliant);
    expect(checkRule(noWorldOpenIngress, stack, "aws_security_group_rule.egress")).toEqual(notApplicable);
    expect(checkRule(noWorldOpenIngress, stack, "aws_vpc_security_group_ingress_rule.vpn")).toEqual(compliant);
  });

  it("treats every /0 spelling as the whole internet", () => {
    expect(["0.0.0.0/0", "::/0", "10.0.0.0/0", " 0.0.0.0/0 "].map(isWorldOpen)).toEqual([true, true, true, true]);
    expect(["0.0.0.0/1", "10.0.0.0/8", "2001:db8::/32"].map(isWorldOpen)).toEqual([false, false, false]);
  });

  it("fails synth naming the rule, and passes a private range", () => {
    const bad = newStack();
    new SecurityGroup(bad, "sg", { ingress: [{ ...openSsh, cidrBlocks: ["0.0.0.0/0"] }] });
    expect(() => synthWithGuard(bad)).toThrow(/\[t\/sg\] \[policy-guard:no-world-open-ingress\]/);
    const good = newStack();
    new SecurityGroup(good, "sg", { ingress: [{ ...openSsh, cidrBlocks: ["10.0.0.0/8"] }] });
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("s3-bucket-sse-kms", () => {
  it("flags a bucket without encryption, with AES256, or with the AWS-managed key", () => {
    const stack = newStack();
    secureBucket(stack, "plain", { sse: "none" });
    secureBucket(stack, "sses3", { sse: "aes256" });
    secureBucket(stack, "awskey", { sse: "aws-managed-kms" });
    expect(checkRule(s3BucketSseKms, stack, "aws_s3_bucket.plain")).toEqual(nonCompliant(/no server-side encryption configuration/));
    expect(checkRule(s3BucketSseKms, stack, "aws_s3_bucket.sses3")).toEqual(nonCompliant(/encrypts with AES256/));
    expect(checkRule(s3BucketSseKms, stack, "aws_s3_bucket.awskey")).toEqual(nonCompliant(/AWS-managed aws\/s3 key/));
  });

  it("accepts SSE-KMS with our key, in the separate resource or the deprecated inline block", () => {
    const stack = newStack();
    secureBucket(stack, "data");
    new S3Bucket(stack, "inline", {
      bucketPrefix: "inline-",
      serverSideEncryptionConfiguration: {
        rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } },
      },
    });
    expect(checkRule(s3BucketSseKms, stack, "aws_s3_bucket.data")).toEqual(compliant);
    expect(checkRule(s3BucketSseKms, stack, "aws_s3_bucket.inline")).toEqual(compliant);
  });

  it("links encryption to its bucket by reference, not by presence anywhere in the stack", () => {
    const stack = newStack();
    secureBucket(stack, "encrypted");
    secureBucket(stack, "other", { sse: "none" });
    expect(findingsOf(stack, "s3-bucket-sse-kms").map((f) => f.address)).toEqual(["aws_s3_bucket.other"]);
  });

  it("fails synth naming the rule, and passes SSE-KMS", () => {
    const bad = newStack();
    secureBucket(bad, "data", { sse: "aes256" });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:s3-bucket-sse-kms/);
    const good = newStack();
    secureBucket(good, "data");
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("s3-bucket-public-access-block", () => {
  it("flags a missing block and one with a setting off", () => {
    const stack = newStack();
    secureBucket(stack, "open", { publicAccessBlock: "none" });
    secureBucket(stack, "partial", { publicAccessBlock: "partial" });
    expect(checkRule(s3BucketPublicAccessBlock, stack, "aws_s3_bucket.open")).toEqual(nonCompliant(/has no public access block/));
    expect(checkRule(s3BucketPublicAccessBlock, stack, "aws_s3_bucket.partial")).toEqual(nonCompliant(/leaves restrict_public_buckets off/));
  });

  it("accepts all four settings on the bucket, or on the account", () => {
    const stack = newStack();
    secureBucket(stack, "blocked");
    secureBucket(stack, "covered", { publicAccessBlock: "none" });
    expect(checkRule(s3BucketPublicAccessBlock, stack, "aws_s3_bucket.blocked")).toEqual(compliant);
    new S3AccountPublicAccessBlock(stack, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(checkRule(s3BucketPublicAccessBlock, stack, "aws_s3_bucket.covered")).toEqual(compliant);
  });

  it("fails synth naming the rule, and passes a full block", () => {
    const bad = newStack();
    secureBucket(bad, "data", { publicAccessBlock: "partial" });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:s3-bucket-public-access-block/);
    const good = newStack();
    secureBucket(good, "data");
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("s3-bucket-tls-only", () => {
  const tlsOnlyJson = (bucket: S3Bucket, resources: string[] = [bucket.arn, `${bucket.arn}/*`]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    });

  it("flags a bucket without a policy, and a policy without the TLS deny", () => {
    const stack = newStack();
    secureBucket(stack, "nopolicy", { policy: "none" });
    secureBucket(stack, "notls", { policy: "no-tls-statement" });
    expect(checkRule(s3BucketTlsOnly, stack, "aws_s3_bucket.nopolicy")).toEqual(nonCompliant(/has no bucket policy/));
    expect(checkRule(s3BucketTlsOnly, stack, "aws_s3_bucket.notls")).toEqual(nonCompliant(/no TLS-only deny/));
  });

  it("flags a TLS deny that leaves the bucket ARN itself uncovered", () => {
    const stack = newStack();
    const bucket = secureBucket(stack, "objectsonly", { policy: "none" });
    new S3BucketPolicy(stack, "objectsonly-policy", { bucket: bucket.id, policy: tlsOnlyJson(bucket, [`${bucket.arn}/*`]) });
    expect(checkRule(s3BucketTlsOnly, stack, "aws_s3_bucket.objectsonly")).toEqual(nonCompliant(/no TLS-only deny/));
  });

  it("reports a policy string it cannot read instead of passing it", () => {
    const stack = newStack();
    const bucket = secureBucket(stack, "opaque", { policy: "none" });
    new S3BucketPolicy(stack, "opaque-policy", { bucket: bucket.id, policy: '${jsonencode({"Statement": []})}' });
    expect(checkRule(s3BucketTlsOnly, stack, "aws_s3_bucket.opaque")).toEqual(nonCompliant(/not readable JSON/));
  });

  it("accepts the TLS deny from a policy document or a literal JSON policy", () => {
    const stack = newStack();
    secureBucket(stack, "fromdoc");
    const literal = secureBucket(stack, "literal", { policy: "none" });
    new S3BucketPolicy(stack, "literal-policy", { bucket: literal.id, policy: tlsOnlyJson(literal) });
    expect(checkRule(s3BucketTlsOnly, stack, "aws_s3_bucket.fromdoc")).toEqual(compliant);
    expect(checkRule(s3BucketTlsOnly, stack, "aws_s3_bucket.literal")).toEqual(compliant);
  });

  it("fails synth naming the rule, and passes the TLS deny", () => {
    const bad = newStack();
    secureBucket(bad, "data", { policy: "no-tls-statement" });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:s3-bucket-tls-only/);
    const good = newStack();
    secureBucket(good, "data");
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("emr-cluster-security-configuration", () => {
  it("flags a cluster without one and accepts a cluster with one", () => {
    const stack = newStack();
    emrCluster(stack, "bare", { securityConfiguration: null });
    emrCluster(stack, "secured");
    expect(checkRule(emrClusterSecurityConfiguration, stack, "aws_emr_cluster.bare")).toEqual(nonCompliant(/has no security_configuration/));
    expect(checkRule(emrClusterSecurityConfiguration, stack, "aws_emr_cluster.secured")).toEqual(compliant);
  });

  it("fails synth naming the rule, and passes a secured cluster", () => {
    const bad = newStack();
    emrCluster(bad, "cluster", { securityConfiguration: null });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:emr-cluster-security-configuration/);
    const good = newStack();
    emrCluster(good, "cluster");
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("emr-security-configuration-encryption", () => {
  type Doc = ReturnType<typeof secureSecurityConfiguration>;
  const variant = (change: (encryption: Record<string, any>) => void): Doc => {
    const doc = secureSecurityConfiguration() as { EncryptionConfiguration: Record<string, any> };
    change(doc.EncryptionConfiguration);
    return doc;
  };

  it("accepts KMS at rest (S3, local disk, EBS) with TLS in transit", () => {
    expect(encryptionProblems(secureSecurityConfiguration())).toEqual([]);
    const cse = variant((e) => (e.AtRestEncryptionConfiguration.S3EncryptionConfiguration.EncryptionMode = "CSE-KMS"));
    expect(encryptionProblems(cse)).toEqual([]);
  });

  it("names each missing piece of encryption", () => {
    expect(encryptionProblems({})).toEqual([expect.stringMatching(/no EncryptionConfiguration/)]);
    expect(encryptionProblems(variant((e) => (e.EnableAtRestEncryption = false)))).toEqual(["EnableAtRestEncryption is not true"]);
    expect(encryptionProblems(variant((e) => (e.EnableInTransitEncryption = false)))).toEqual(["EnableInTransitEncryption is not true"]);
    expect(encryptionProblems(variant((e) => (e.AtRestEncryptionConfiguration.S3EncryptionConfiguration = { EncryptionMode: "SSE-S3" })))).toEqual([
      "S3 EncryptionMode is SSE-S3 (needs SSE-KMS or CSE-KMS)",
    ]);
    expect(encryptionProblems(variant((e) => (e.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration.EnableEbsEncryption = false)))).toEqual([
      expect.stringMatching(/^EnableEbsEncryption is not true/),
    ]);
    expect(
      encryptionProblems(variant((e) => (e.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration = { EncryptionKeyProviderType: "Custom", EnableEbsEncryption: true }))),
    ).toEqual(["local disk EncryptionKeyProviderType is Custom (needs AwsKms)"]);
    expect(
      encryptionProblems(variant((e) => (e.AtRestEncryptionConfiguration.S3EncryptionConfiguration.Overrides = [{ BucketName: "b", EncryptionMode: "SSE-S3" }]))),
    ).toEqual(["S3 EncryptionMode is SSE-S3 (needs SSE-KMS or CSE-KMS)"]);
    expect(encryptionProblems(variant((e) => delete e.InTransitEncryptionConfiguration))).toEqual(["in-transit encryption has no TLSCertificateConfiguration"]);
  });

  it("parses the configuration JSON string of the resource, and reports one it cannot parse", () => {
    const stack = newStack();
    new EmrSecurityConfiguration(stack, "weak", { name: "weak", configuration: JSON.stringify(variant((e) => (e.EnableInTransitEncryption = false))) });
    new EmrSecurityConfiguration(stack, "opaque", { name: "opaque", configuration: "${file(\"sc.json\")}" });
    new EmrSecurityConfiguration(stack, "strong", { name: "strong", configuration: JSON.stringify(secureSecurityConfiguration()) });
    expect(checkRule(emrSecurityConfigurationEncryption, stack, "aws_emr_security_configuration.weak")).toEqual(nonCompliant(/EnableInTransitEncryption is not true/));
    expect(checkRule(emrSecurityConfigurationEncryption, stack, "aws_emr_security_configuration.opaque")).toEqual(nonCompliant(/not literal JSON/));
    expect(checkRule(emrSecurityConfigurationEncryption, stack, "aws_emr_security_configuration.strong")).toEqual(compliant);
  });

  it("fails synth naming the rule, and passes the full configuration", () => {
    const bad = newStack();
    new EmrSecurityConfiguration(bad, "sc", { name: "sc", configuration: JSON.stringify(variant((e) => (e.EnableAtRestEncryption = false))) });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:emr-security-configuration-encryption.*EnableAtRestEncryption/);
    const good = newStack();
    new EmrSecurityConfiguration(good, "sc", { name: "sc", configuration: JSON.stringify(secureSecurityConfiguration()) });
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("emr-cluster-logging", () => {
  it("flags a cluster without log_uri and accepts one with it", () => {
    const stack = newStack();
    emrCluster(stack, "silent", { logUri: null });
    emrCluster(stack, "logged");
    expect(checkRule(emrClusterLogging, stack, "aws_emr_cluster.silent")).toEqual(nonCompliant(/has no log_uri/));
    expect(checkRule(emrClusterLogging, stack, "aws_emr_cluster.logged")).toEqual(compliant);
  });

  it("fails synth naming the rule", () => {
    const bad = newStack();
    emrCluster(bad, "cluster", { logUri: null });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:emr-cluster-logging/);
  });
});

describe("emr-block-public-access", () => {
  it("flags the setting turned off and accepts it on", () => {
    const stack = newStack();
    new EmrBlockPublicAccessConfiguration(stack, "off", { blockPublicSecurityGroupRules: false });
    new EmrBlockPublicAccessConfiguration(stack, "on", { blockPublicSecurityGroupRules: true });
    expect(checkRule(emrBlockPublicAccess, stack, "aws_emr_block_public_access_configuration.off")).toEqual(nonCompliant(/block_public_security_group_rules is not true/));
    expect(checkRule(emrBlockPublicAccess, stack, "aws_emr_block_public_access_configuration.on")).toEqual(compliant);
  });

  it("fails synth naming the rule, and passes it on", () => {
    const bad = newStack();
    new EmrBlockPublicAccessConfiguration(bad, "bpa", { blockPublicSecurityGroupRules: false });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:emr-block-public-access/);
    const good = newStack();
    new EmrBlockPublicAccessConfiguration(good, "bpa", { blockPublicSecurityGroupRules: true });
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("iam-no-wildcard-actions", () => {
  const policyJson = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
  const trust = policyJson({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });

  it("knows which actions are wildcards", () => {
    expect(["*", "s3:*", "kms:*", "elasticmapreduce:*"].map(isWildcardAction)).toEqual([true, true, true, true]);
    expect(["s3:GetObject", "s3:Get*", "s3:*Object"].map(isWildcardAction)).toEqual([false, false, false]);
  });

  it("flags Allow of service:* and NotAction in a policy document", () => {
    const stack = newStack();
    new DataAwsIamPolicyDocument(stack, "doc", {
      statement: [
        { sid: "All", actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"] },
        { sid: "AllButOne", effect: "Allow", notActions: ["iam:*"], resources: ["*"] },
      ],
    });
    expect(checkRule(iamNoWildcardActions, stack, "data.aws_iam_policy_document.doc")).toEqual(
      nonCompliant(/statement "All" allows "s3:\*".*statement "AllButOne" allows everything except NotAction iam:\*/),
    );
  });

  it("parses policy JSON strings: managed policies, inline role policies, trust policies", () => {
    const stack = newStack();
    new IamPolicy(stack, "managed", { policy: policyJson({ Effect: "Allow", Action: "*", Resource: "*" }) });
    new IamRole(stack, "role", {
      assumeRolePolicy: trust,
      inlinePolicy: [{ name: "ok", policy: policyJson({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }) }, { name: "ec2", policy: policyJson({ Effect: "Allow", Action: ["ec2:*"], Resource: "*" }) }],
    });
    expect(checkRule(iamNoWildcardActions, stack, "aws_iam_policy.managed")).toEqual(nonCompliant(/^policy statement 0 allows "\*"/));
    expect(checkRule(iamNoWildcardActions, stack, "aws_iam_role.role")).toEqual(nonCompliant(/^inline_policy\[1\]\.policy statement 0 allows "ec2:\*"/));
  });

  it("accepts scoped actions and a Deny of s3:*", () => {
    const stack = newStack();
    new DataAwsIamPolicyDocument(stack, "doc", {
      statement: [
        { actions: ["s3:GetObject", "s3:PutObject"], resources: ["arn:aws:s3:::b/*"] },
        { effect: "Deny", actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"], principals: [{ type: "*", identifiers: ["*"] }] },
      ],
    });
    new IamRole(stack, "role", { assumeRolePolicy: trust });
    expect(checkRule(iamNoWildcardActions, stack, "data.aws_iam_policy_document.doc")).toEqual(compliant);
    expect(checkRule(iamNoWildcardActions, stack, "aws_iam_role.role")).toEqual(compliant);
  });

  it("reports a wildcard in a referenced document once, on the document", () => {
    const stack = newStack();
    const doc = new DataAwsIamPolicyDocument(stack, "doc", { statement: [{ actions: ["kms:*"], resources: ["*"] }] });
    new IamPolicy(stack, "policy", { policy: doc.json });
    expect(findingsOf(stack, "iam-no-wildcard-actions").map((f) => f.address)).toEqual(["data.aws_iam_policy_document.doc"]);
  });

  it("reports a policy string it cannot read instead of passing it", () => {
    const stack = newStack();
    new IamPolicy(stack, "opaque", { policy: "${file(\"policy.json\")}" });
    expect(checkRule(iamNoWildcardActions, stack, "aws_iam_policy.opaque")).toEqual(nonCompliant(/policy is not literal policy JSON/));
  });

  it("fails synth naming the rule, and passes scoped actions", () => {
    const bad = newStack();
    new IamPolicy(bad, "policy", { policy: policyJson({ Effect: "Allow", Action: "s3:*", Resource: "*" }) });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:iam-no-wildcard-actions/);
    const good = newStack();
    new IamPolicy(good, "policy", { policy: policyJson({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) });
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("sns-topic-kms", () => {
  it("flags a topic without a key and accepts one with it", () => {
    const stack = newStack();
    new SnsTopic(stack, "plain", { name: "plain" });
    new SnsTopic(stack, "encrypted", { name: "encrypted", kmsMasterKeyId: KEY_ARN });
    expect(checkRule(snsTopicKms, stack, "aws_sns_topic.plain")).toEqual(nonCompliant(/has no kms_master_key_id/));
    expect(checkRule(snsTopicKms, stack, "aws_sns_topic.encrypted")).toEqual(compliant);
  });

  it("fails synth naming the rule, and passes an encrypted topic", () => {
    const bad = newStack();
    new SnsTopic(bad, "topic", { name: "t" });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:sns-topic-kms/);
    const good = newStack();
    new SnsTopic(good, "topic", { name: "t", kmsMasterKeyId: KEY_ARN });
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("kms-key-rotation", () => {
  it("flags a symmetric key without rotation, skips asymmetric keys, accepts rotation", () => {
    const stack = newStack();
    symmetricKey(stack, "static", false);
    symmetricKey(stack, "rotating");
    new KmsKey(stack, "signing", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });
    expect(checkRule(kmsKeyRotation, stack, "aws_kms_key.static")).toEqual(nonCompliant(/enable_key_rotation is not true/));
    expect(checkRule(kmsKeyRotation, stack, "aws_kms_key.rotating")).toEqual(compliant);
    expect(checkRule(kmsKeyRotation, stack, "aws_kms_key.signing")).toEqual(notApplicable);
  });

  it("fails synth naming the rule, and passes a rotating key", () => {
    const bad = newStack();
    symmetricKey(bad, "key", false);
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:kms-key-rotation/);
    const good = newStack();
    symmetricKey(good, "key");
    expect(() => synthWithGuard(good)).not.toThrow();
  });
});

describe("cloudwatch-log-group-kms", () => {
  it("flags a log group without a key and accepts one with it", () => {
    const stack = newStack();
    new CloudwatchLogGroup(stack, "plain", { name: "plain" });
    new CloudwatchLogGroup(stack, "encrypted", { name: "encrypted", kmsKeyId: KEY_ARN });
    expect(checkRule(cloudwatchLogGroupKms, stack, "aws_cloudwatch_log_group.plain")).toEqual(nonCompliant(/has no kms_key_id/));
    expect(checkRule(cloudwatchLogGroupKms, stack, "aws_cloudwatch_log_group.encrypted")).toEqual(compliant);
  });

  it("fails synth naming the rule", () => {
    const bad = newStack();
    new CloudwatchLogGroup(bad, "logs", { name: "l" });
    expect(() => synthWithGuard(bad)).toThrow(/policy-guard:cloudwatch-log-group-kms/);
  });
});

describe("a stack of every compliant fixture", () => {
  it("synthesizes with the guard and yields no findings", () => {
    const stack = newStack();
    secureBucket(stack, "data");
    emrCluster(stack, "cluster");
    symmetricKey(stack, "key");
    new SnsTopic(stack, "alarms", { name: "alarms", kmsMasterKeyId: KEY_ARN });
    new SecurityGroup(stack, "sg", { ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] }] });
    expect(runPolicyGuard(stack.toTerraform() as StackJson).findings).toEqual([]);
    expect(() => synthWithGuard(stack)).not.toThrow();
  });
});

describe("ec2-trust-without-condition", () => {
  const trustDoc = (stack: ReturnType<typeof newStack>, id: string, service: string, condition: boolean) =>
    new DataAwsIamPolicyDocument(stack, id, {
      statement: [
        {
          sid: "AssumeRole",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [service] }],
          ...(condition ? { condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }] } : {}),
        },
      ],
    });

  it("flags an EC2 trust with a condition, passes one without, and leaves other services' conditions alone", () => {
    const stack = newStack();
    new IamRole(stack, "conditioned", { assumeRolePolicy: trustDoc(stack, "t1", "ec2.amazonaws.com", true).json });
    new IamRole(stack, "plain", { assumeRolePolicy: trustDoc(stack, "t2", "ec2.amazonaws.com", false).json });
    new IamRole(stack, "emr", { assumeRolePolicy: trustDoc(stack, "t3", "elasticmapreduce.amazonaws.com", true).json });
    expect(checkRule(ec2TrustWithoutCondition, stack, "aws_iam_role.conditioned")).toEqual(
      nonCompliant(/"AssumeRole" trusts ec2\.amazonaws\.com only with aws:SourceAccount; fix: drop the condition/),
    );
    expect(checkRule(ec2TrustWithoutCondition, stack, "aws_iam_role.plain")).toEqual(compliant);
    expect(checkRule(ec2TrustWithoutCondition, stack, "aws_iam_role.emr")).toEqual(compliant);
  });

  it("reads literal trust JSON too, and fails a full synth naming the rule", () => {
    const stack = newStack();
    const literal = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "1" } } }],
    });
    new IamRole(stack, "literal", { assumeRolePolicy: literal });
    expect(checkRule(ec2TrustWithoutCondition, stack, "aws_iam_role.literal")).toEqual(nonCompliant(/aws:SourceAccount/));
    expect(findingsOf(stack, "ec2-trust-without-condition")).toHaveLength(1);
    expect(() => synthWithGuard(stack)).toThrow(/ec2-trust-without-condition/);
  });
});

describe("s3-list-bucket-for-readers", () => {
  const statements = (bucket: S3Bucket, listCondition: boolean, read = true) => [
    { sid: "Objects", actions: [read ? "s3:GetObject" : "s3:PutObject"], resources: [`${bucket.arn}/raw/*`] },
    {
      sid: "List",
      actions: ["s3:ListBucket"],
      resources: [bucket.arn],
      ...(listCondition ? { condition: [{ test: "StringLike", variable: "s3:prefix", values: ["raw/*"] }] } : {}),
    },
  ];

  it("flags a prefix-conditioned ListBucket on a bucket whose objects the same policy reads", () => {
    const stack = newStack();
    const bucket = secureBucket(stack, "data");
    new DataAwsIamPolicyDocument(stack, "reader", { statement: statements(bucket, true) });
    new DataAwsIamPolicyDocument(stack, "fixed", { statement: statements(bucket, false) });
    new DataAwsIamPolicyDocument(stack, "writer", { statement: statements(bucket, true, false) });
    expect(checkRule(s3ListBucketForReaders, stack, "data.aws_iam_policy_document.reader")).toEqual(
      nonCompliant(/"List" lets \$\{aws_s3_bucket\.data\.arn\} be listed only under s3:prefix while objects in it are read; fix: grant s3:ListBucket/),
    );
    expect(checkRule(s3ListBucketForReaders, stack, "data.aws_iam_policy_document.fixed")).toEqual(compliant);
    // Write-only log delivery may keep its prefix-scoped list.
    expect(checkRule(s3ListBucketForReaders, stack, "data.aws_iam_policy_document.writer")).toEqual(compliant);
  });

  it("reads literal policy JSON with bucket ARNs, and fails a full synth naming the rule", () => {
    const stack = newStack();
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::data-bucket/raw/*" },
        { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::data-bucket", Condition: { StringLike: { "s3:prefix": ["raw/*"] } } },
      ],
    });
    new IamPolicy(stack, "literal", { policy });
    expect(checkRule(s3ListBucketForReaders, stack, "aws_iam_policy.literal")).toEqual(nonCompliant(/arn:aws:s3:::data-bucket be listed only under s3:prefix/));
    expect(() => synthWithGuard(stack)).toThrow(/s3-list-bucket-for-readers/);
  });
});

describe("emr-cluster-waits-for-network", () => {
  function network(stack: ReturnType<typeof newStack>) {
    const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
    const subnet = new Subnet(stack, "private", { vpcId: vpc.id, cidrBlock: "10.0.0.0/20" });
    const table = new RouteTable(stack, "routes", { vpcId: vpc.id });
    const route = new Route(stack, "default", { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-0123456789abcdef0" });
    const association = new RouteTableAssociation(stack, "association", { subnetId: subnet.id, routeTableId: table.id });
    const endpoint = new VpcEndpoint(stack, "s3", { vpcId: vpc.id, serviceName: "com.amazonaws.eu-west-1.s3", routeTableIds: [table.id] });
    return { subnet, route, association, endpoint };
  }

  it("flags a cluster that does not wait for its subnet's association, routes and endpoint; passes one that does", () => {
    const stack = newStack();
    const net = network(stack);
    emrCluster(stack, "eager", { ec2Attributes: { subnetId: net.subnet.id } });
    const patient = emrCluster(stack, "patient", { ec2Attributes: { subnetId: net.subnet.id } });
    patient.dependsOn = [net.route.fqn, net.association.fqn, net.endpoint.fqn];
    expect(checkRule(emrClusterWaitsForNetwork, stack, "aws_emr_cluster.eager")).toEqual(
      nonCompliant(/does not depend on aws_route_table_association\.association, aws_route\.default, aws_vpc_endpoint\.s3; fix:/),
    );
    expect(checkRule(emrClusterWaitsForNetwork, stack, "aws_emr_cluster.patient")).toEqual(compliant);
    expect(() => synthWithGuard(stack)).toThrow(/emr-cluster-waits-for-network/);
  });

  it("a fleets cluster (subnet_ids) waits for the network of every subnet it names", () => {
    const stack = newStack();
    const net = network(stack);
    const fleets = emrCluster(stack, "fleets");
    fleets.putEc2Attributes({ instanceProfile: "arn:aws:iam::123456789012:instance-profile/emr", subnetIds: [net.subnet.id] });
    expect(checkRule(emrClusterWaitsForNetwork, stack, "aws_emr_cluster.fleets")).toEqual(nonCompliant(/does not depend on aws_route_table_association\.association/));
    fleets.dependsOn = [net.route.fqn, net.association.fqn, net.endpoint.fqn];
    expect(checkRule(emrClusterWaitsForNetwork, stack, "aws_emr_cluster.fleets")).toEqual(compliant);
  });

  it("is not applicable to a subnet outside the stack (an existing VPC)", () => {
    const stack = newStack();
    emrCluster(stack, "existing", { ec2Attributes: { subnetId: "subnet-0123456789abcdef0" } });
    expect(checkRule(emrClusterWaitsForNetwork, stack, "aws_emr_cluster.existing")).toEqual(notApplicable);
  });
});

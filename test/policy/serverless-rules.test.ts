/** The EMR Serverless guard rules: network, log encryption and the job role's scope. */
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EmrserverlessApplication, type EmrserverlessApplicationConfig } from "@cdktf/provider-aws/lib/emrserverless-application";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { TerraformStack } from "cdktf";
import { RULE_IDS } from "../../policy";
import { emrServerlessLogsEncrypted } from "../../policy/rules/emr-serverless-logs-encrypted";
import { emrServerlessPrivateNetwork } from "../../policy/rules/emr-serverless-private-network";
import { emrServerlessRoleScoped } from "../../policy/rules/emr-serverless-role-scoped";
import { KEY_ARN, checkRule, newStack, synthWithGuard } from "./fixtures";

const compliant = { status: "compliant" };
const notApplicable = { status: "not-applicable" };
const nonCompliant = (reason: RegExp) => ({ status: "non-compliant", reason: expect.stringMatching(reason) });

/** A VPC with one private subnet (no route out but the VPC's) and one public one (default route to an IGW). */
function network(stack: TerraformStack) {
  const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
  const privateSubnet = new Subnet(stack, "private", { vpcId: vpc.id, cidrBlock: "10.0.0.0/20" });
  const publicSubnet = new Subnet(stack, "public", { vpcId: vpc.id, cidrBlock: "10.0.16.0/20" });
  const igw = new InternetGateway(stack, "igw", { vpcId: vpc.id });
  const table = new RouteTable(stack, "public-routes", { vpcId: vpc.id });
  new Route(stack, "public-default", { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
  new RouteTableAssociation(stack, "public-association", { subnetId: publicSubnet.id, routeTableId: table.id });
  const egressOnly = new SecurityGroup(stack, "egress-only", { vpcId: vpc.id });
  return { vpc, privateSubnet, publicSubnet, egressOnly };
}

const encryptedLogs = {
  s3MonitoringConfiguration: { logUri: "s3://logs/emr-serverless/", encryptionKeyArn: KEY_ARN },
  cloudwatchLoggingConfiguration: { enabled: true, encryptionKeyArn: KEY_ARN },
};

function application(stack: TerraformStack, id: string, config: Partial<EmrserverlessApplicationConfig>) {
  return new EmrserverlessApplication(stack, id, { name: id, type: "SPARK", releaseLabel: "emr-7.12.0", monitoringConfiguration: encryptedLogs, ...config });
}

describe("emr-serverless-private-network", () => {
  it("accepts private subnets behind an egress-only group", () => {
    const stack = newStack();
    const { privateSubnet, egressOnly } = network(stack);
    application(stack, "app", { networkConfiguration: { subnetIds: [privateSubnet.id], securityGroupIds: [egressOnly.id] } });
    expect(checkRule(emrServerlessPrivateNetwork, stack, "aws_emrserverless_application.app")).toEqual(compliant);
    expect(() => synthWithGuard(stack)).not.toThrow();
  });

  it("flags no network configuration, a public subnet, and a group that admits traffic", () => {
    const stack = newStack();
    const { vpc, publicSubnet, privateSubnet, egressOnly } = network(stack);
    application(stack, "outside", {});
    application(stack, "in-public", { networkConfiguration: { subnetIds: [publicSubnet.id], securityGroupIds: [egressOnly.id] } });
    const open = new SecurityGroup(stack, "open", { vpcId: vpc.id });
    new VpcSecurityGroupIngressRule(stack, "open-https", { securityGroupId: open.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/8" });
    application(stack, "admitting", { networkConfiguration: { subnetIds: [privateSubnet.id], securityGroupIds: [open.id] } });
    const ip = new Subnet(stack, "public-ips", { vpcId: vpc.id, cidrBlock: "10.0.32.0/20", mapPublicIpOnLaunch: true });
    application(stack, "public-ips-app", { networkConfiguration: { subnetIds: [ip.id], securityGroupIds: [egressOnly.id] } });

    const at = (id: string) => checkRule(emrServerlessPrivateNetwork, stack, `aws_emrserverless_application.${id}`);
    expect(at("outside")).toEqual(nonCompliant(/has no network_configuration .*fix: the platform's private subnets/));
    expect(at("in-public")).toEqual(nonCompliant(/runs in aws_subnet\.public, which routes to an internet gateway; fix: the private subnets only/));
    expect(at("admitting")).toEqual(nonCompliant(/admits traffic \(aws_vpc_security_group_ingress_rule\.open-https\); fix: no ingress/));
    expect(at("public-ips-app")).toEqual(nonCompliant(/gives its instances public IPs/));
    expect(() => synthWithGuard(stack)).toThrow(/policy-guard:emr-serverless-private-network/);
  });

  it("does not judge subnets and groups outside the stack (an existing VPC)", () => {
    const stack = newStack();
    application(stack, "existing", { networkConfiguration: { subnetIds: ["subnet-0abc"], securityGroupIds: ["sg-0abc"] } });
    expect(checkRule(emrServerlessPrivateNetwork, stack, "aws_emrserverless_application.existing")).toEqual(compliant);
  });
});

describe("emr-serverless-logs-encrypted", () => {
  it("accepts S3 and CloudWatch logs under a key, flags each one without", () => {
    const stack = newStack();
    application(stack, "encrypted", {});
    application(stack, "plain-s3", { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: "s3://logs/emr-serverless/" } } });
    application(stack, "no-s3", { monitoringConfiguration: {} });
    application(stack, "plain-cloudwatch", {
      monitoringConfiguration: { ...encryptedLogs, cloudwatchLoggingConfiguration: { enabled: true } },
    });
    const at = (id: string) => checkRule(emrServerlessLogsEncrypted, stack, `aws_emrserverless_application.${id}`);
    expect(at("encrypted")).toEqual(compliant);
    expect(at("plain-s3")).toEqual(nonCompliant(/logs to S3 without encryption_key_arn; fix: the environment's KMS key/));
    expect(at("no-s3")).toEqual(nonCompliant(/has no S3 monitoring log_uri/));
    expect(at("plain-cloudwatch")).toEqual(nonCompliant(/logs to CloudWatch without encryption_key_arn/));
    expect(() => synthWithGuard(stack)).toThrow(/policy-guard:emr-serverless-logs-encrypted/);
  });
});

describe("emr-serverless-role-scoped", () => {
  const trust = (stack: TerraformStack, id: string, variables: string[], service = "emr-serverless.amazonaws.com") =>
    new DataAwsIamPolicyDocument(stack, id, {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [service] }],
          condition: variables.map((variable) => ({ test: variable === "aws:SourceArn" ? "ArnEquals" : "StringEquals", variable, values: ["x"] })),
        },
      ],
    }).json;
  const policy = (stack: TerraformStack, id: string, resources: string[]) =>
    new DataAwsIamPolicyDocument(stack, id, { statement: [{ sid: "Data", actions: ["s3:GetObject"], resources }] }).json;

  it("accepts a trust on account and application with bucket-scoped S3, and flags each gap", () => {
    const stack = newStack();
    const scoped = new IamRole(stack, "scoped", { assumeRolePolicy: trust(stack, "t1", ["aws:SourceAccount", "aws:SourceArn"]) });
    new IamRolePolicy(stack, "scoped-policy", { role: scoped.id, policy: policy(stack, "p1", ["arn:aws:s3:::data/raw/*"]) });
    new IamRole(stack, "account-only", { assumeRolePolicy: trust(stack, "t2", ["aws:SourceAccount"]) });
    const open = new IamRole(stack, "open-s3", { assumeRolePolicy: trust(stack, "t3", ["aws:SourceAccount", "aws:SourceArn"]) });
    new IamRolePolicy(stack, "open-policy", { role: open.name, policy: policy(stack, "p2", ["*"]) });
    new IamRole(stack, "other-service", { assumeRolePolicy: trust(stack, "t4", [], "ec2.amazonaws.com") });

    const at = (id: string) => checkRule(emrServerlessRoleScoped, stack, `aws_iam_role.${id}`);
    expect(at("scoped")).toEqual(compliant);
    expect(at("account-only")).toEqual(nonCompliant(/trusts emr-serverless\.amazonaws\.com without aws:SourceArn; fix:/));
    expect(at("open-s3")).toEqual(nonCompliant(/aws_iam_role_policy\.open-policy grants s3:GetObject on \* \(Data\); fix:/));
    expect(at("other-service")).toEqual(notApplicable);
    expect(() => synthWithGuard(stack)).toThrow(/policy-guard:emr-serverless-role-scoped/);
  });

  it("is one of the guard's rules", () => {
    expect(RULE_IDS).toEqual(expect.arrayContaining(["emr-serverless-private-network", "emr-serverless-logs-encrypted", "emr-serverless-role-scoped"]));
  });
});

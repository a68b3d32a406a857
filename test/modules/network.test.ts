import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { loadEnvironment } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { PlatformNetwork } from "../../modules/network/platform-network";
import { PlatformStorage } from "../../modules/storage/platform-storage";
import { documentStatements, resources, synthWith } from "./harness";

function network(config: EnvironmentConfig) {
  let built: PlatformNetwork | undefined;
  const out = synthWith((scope, account) => {
    const storage = new PlatformStorage(scope, "storage", { config, name: "n", account });
    built = new PlatformNetwork(scope, "network", { network: config.network, region: config.region, name: "n", flowLogBucket: storage.logs, account });
  });
  return { ...out, built: built! };
}

describe("PlatformNetwork (create)", () => {
  const { json, parsed } = network(loadEnvironment("dev"));

  test("a VPC with DNS hostnames (EMR needs them) and an emptied default security group", () => {
    expect(json).toHaveResourceWithProperties(Vpc, { cidr_block: "10.40.0.0/16", enable_dns_hostnames: true, enable_dns_support: true });
    const [[, defaultSg]] = resources(parsed, "aws_default_security_group");
    expect(defaultSg).toMatchObject({ ingress: [], egress: [] });
  });

  test("two private subnets in different AZs, each routed through the NAT", () => {
    const privateSubnets = resources(parsed, "aws_subnet").filter(([id]) => id.includes("private"));
    expect(privateSubnets).toHaveLength(2);
    // Named zones, never a position in a data source list that can shift when AWS adds a zone.
    expect(privateSubnets.map(([, s]) => s.availability_zone)).toEqual(["eu-west-1a", "eu-west-1b"]);
    expect(parsed.data?.aws_availability_zones).toBeUndefined();
    const natRoutes = resources(parsed, "aws_route").filter(([, r]) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(2);
    expect(privateSubnets.every(([, s]) => s.map_public_ip_on_launch !== true)).toBe(true);
  });

  test("dev keeps one NAT gateway; prod has one per AZ", () => {
    expect(resources(parsed, "aws_nat_gateway")).toHaveLength(1);
    const prod = network(loadEnvironment("prod"));
    expect(resources(prod.parsed, "aws_nat_gateway")).toHaveLength(3);
    expect(resources(prod.parsed, "aws_subnet").filter(([id]) => id.includes("private"))).toHaveLength(3);
  });

  test("an S3 gateway endpoint on every private route table", () => {
    expect(json).toHaveResourceWithProperties(VpcEndpoint, { service_name: "com.amazonaws.eu-west-1.s3", vpc_endpoint_type: "Gateway" });
    const [[, endpoint]] = resources(parsed, "aws_vpc_endpoint");
    expect(endpoint.route_table_ids).toHaveLength(2);
  });

  test("rejected-traffic flow logs go to the logs bucket, whose policy holds the delivery service's documented statements", () => {
    expect(json).toHaveResourceWithProperties(FlowLog, { traffic_type: "REJECT", log_destination_type: "s3" });
    const statements = documentStatements(parsed, "storage_logs_policy");
    const write = statements.find((s) => s.sid === "AWSLogDeliveryWrite")!;
    expect(write.actions).toEqual(["s3:PutObject"]);
    expect(write.resources[0]).toMatch(/\/vpc-flow-logs\/AWSLogs\/\$\{data\.aws_caller_identity\.[\w]+\.account_id\}\/\*$/);
    expect(write.condition.map((c: any) => c.variable)).toEqual(["aws:SourceAccount", "aws:SourceArn", "s3:x-amz-acl"]);
    expect(write.condition[2].values).toEqual(["bucket-owner-full-control"]);
    const check = statements.find((s) => s.sid === "AWSLogDeliveryAclCheck")!;
    expect(check.actions).toEqual(["s3:GetBucketAcl", "s3:ListBucket"]);
    expect(check.condition.map((c: any) => c.variable)).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
  });

  test("the flow log waits for the logs bucket policy, so the service never attaches its own", () => {
    const [[, flowLog]] = resources(parsed, "aws_flow_log");
    const [[policyId]] = resources(parsed, "aws_s3_bucket_policy").filter(([id]) => id.includes("logs"));
    expect(flowLog.depends_on).toEqual([`aws_s3_bucket_policy.${policyId}`]);
  });

  test("exposes the private routes, their associations and the S3 endpoint as the cluster's dependencies", () => {
    const { built } = network(loadEnvironment("dev"));
    const kinds = built.clusterDependencies.map((d) => (d as unknown as { terraformResourceType: string }).terraformResourceType);
    expect(kinds.sort()).toEqual(["aws_route", "aws_route", "aws_route_table_association", "aws_route_table_association", "aws_vpc_endpoint"]);
  });
});

test("configured zone names are used in order", () => {
  const config = loadEnvironment("dev");
  const withZones = { ...config, network: { ...config.network, zoneNames: ["eu-west-1c", "eu-west-1a"] } as EnvironmentConfig["network"] };
  const subnets = resources(network(withZones).parsed, "aws_subnet").filter(([id]) => id.includes("private"));
  expect(subnets.map(([, s]) => s.availability_zone)).toEqual(["eu-west-1c", "eu-west-1a"]);
});

describe("PlatformNetwork (existing)", () => {
  test("uses the given VPC and subnets and creates nothing", () => {
    const config = { ...loadEnvironment("dev"), network: { mode: "existing" as const, vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } };
    const { parsed, built } = network(config);
    expect(built.vpcId).toBe("vpc-0123456789abcdef0");
    expect(built.clusterSubnetId).toBe("subnet-0123456789abcdef0");
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_flow_log"]) expect(resources(parsed, type)).toHaveLength(0);
    // EMR's v2 service policy acts only on tagged resources: the VPC and every subnet (a fleets cluster may use any) get the tag.
    expect(resources(parsed, "aws_ec2_tag").map(([, t]) => [t.resource_id, t.key, t.value])).toEqual([
      ["vpc-0123456789abcdef0", "for-use-with-amazon-emr-managed-policies", "true"],
      ["subnet-0123456789abcdef0", "for-use-with-amazon-emr-managed-policies", "true"],
      ["subnet-0123456789abcdef1", "for-use-with-amazon-emr-managed-policies", "true"],
    ]);
  });
});

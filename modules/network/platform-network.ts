import { Fn, type ITerraformDependable } from "cdktf";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";
import { PREFIXES } from "../../contracts/stack-outputs";
import type { AccountContext } from "../core/account-context";
import { EMR_MANAGED_TAG_KEY, EMR_MANAGED_TAG_VALUE } from "../../contracts/emr";
import type { SecureBucket } from "../storage/secure-bucket";


/** The zones the subnets use: the configured names, or the region's first `count` zones (a, b, c, …). */
export function availabilityZoneNames(region: string, count: number, configured?: readonly string[]): string[] {
  return configured ? [...configured] : Array.from({ length: count }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
}

export interface PlatformNetworkProps {
  readonly network: EnvironmentConfig["network"];
  readonly region: string;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  /** Where VPC flow logs go (a created VPC only). */
  readonly flowLogBucket: SecureBucket;
  readonly account: AccountContext;
}

/**
 * Where the cluster runs: private subnets only. Either a new VPC (private subnets over >= 2 AZs, NAT for package
 * installs, an S3 gateway endpoint so S3 traffic stays off the NAT bill, flow logs) or an existing VPC by id.
 */
export class PlatformNetwork extends Construct {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  /** Instance groups live in one subnet: the first private subnet. */
  readonly clusterSubnetId: string;
  readonly vpc?: Vpc;
  /**
   * What a cluster in these subnets must wait for: the private default routes and their route-table associations
   * (bootstrap installs from PyPI through the NAT), the S3 gateway endpoint, and for an existing VPC the EMR-managed
   * tags. The provider's own EMR acceptance configs order the cluster after aws_route_table_association for this
   * reason (internal/service/emr/cluster_test.go: `depends_on = [aws_route_table_association.test]`).
   */
  readonly clusterDependencies: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);
    const { network, name } = props;
    if (network.mode === "existing") {
      this.vpcId = network.vpcId;
      this.privateSubnetIds = [...network.subnetIds];
      this.clusterSubnetId = network.subnetIds[0];
      // AmazonEMRServicePolicy_v2 only acts on resources carrying this tag; we can't own the VPC, so tag it. Every
      // subnet: an instance-fleets cluster is offered them all and may launch in any.
      [network.vpcId, ...network.subnetIds].forEach((resourceId, i) =>
        this.clusterDependencies.push(new Ec2Tag(this, `emr-managed-tag-${i}`, { resourceId, key: EMR_MANAGED_TAG_KEY, value: EMR_MANAGED_TAG_VALUE })),
      );
      return;
    }

    // Zones by name, not by position in a data source's list: a zone AWS adds or marks impaired can't shift the
    // subnets (and with them the NAT gateway and the cluster) into replacement.
    const zones = availabilityZoneNames(props.region, network.availabilityZones, network.zoneNames);
    const az = (i: number) => zones[i];
    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: network.vpcCidr,
      enableDnsHostnames: true, // EMR requires DNS hostnames in the VPC
      enableDnsSupport: true,
      tags: { Name: name },
    });
    this.vpcId = this.vpc.id;
    // The default security group allows all traffic between its members; take every rule away from it.
    new DefaultSecurityGroup(this, "default-sg", { vpcId: this.vpc.id, ingress: [], egress: [] });

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: name } });
    const publicRoutes = new RouteTable(this, "public-routes", { vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, "public-default", { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });

    // Subnet layout: /20s out of the VPC range; public ones (NAT only) after the private ones.
    const natCount = network.natGateways === "per-az" ? network.availabilityZones : 1;
    const nats: NatGateway[] = [];
    for (let i = 0; i < natCount; i++) {
      const subnet = new Subnet(this, `public-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az(i),
        cidrBlock: Fn.cidrsubnet(network.vpcCidr, 4, network.availabilityZones + i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${i}` },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
      const eip = new Eip(this, `nat-${i}-ip`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } });
      nats.push(new NatGateway(this, `nat-${i}`, { allocationId: eip.id, subnetId: subnet.id, tags: { Name: `${name}-${i}` }, dependsOn: [igw] }));
    }

    this.privateSubnetIds = [];
    const privateRouteTables: string[] = [];
    for (let i = 0; i < network.availabilityZones; i++) {
      const subnet = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az(i),
        cidrBlock: Fn.cidrsubnet(network.vpcCidr, 4, i),
        tags: { Name: `${name}-private-${i}` },
      });
      const routes = new RouteTable(this, `private-${i}-routes`, { vpcId: this.vpc.id, tags: { Name: `${name}-private-${i}` } });
      const defaultRoute = new Route(this, `private-${i}-default`, {
        routeTableId: routes.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nats[Math.min(i, nats.length - 1)].id,
      });
      const association = new RouteTableAssociation(this, `private-${i}-association`, { subnetId: subnet.id, routeTableId: routes.id });
      this.clusterDependencies.push(defaultRoute, association);
      this.privateSubnetIds.push(subnet.id);
      privateRouteTables.push(routes.id);
    }
    this.clusterSubnetId = this.privateSubnetIds[0];

    const s3Endpoint = new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: privateRouteTables,
      tags: { Name: `${name}-s3` },
    });
    this.clusterDependencies.push(s3Endpoint);

    // The delivery service's documented bucket policy, statement for statement (VPC user guide, "Amazon S3 bucket
    // permissions for flow logs"; CloudWatch Logs guide, "Logs sent to Amazon S3"): when the bucket policy already
    // holds them, the service adds nothing of its own that the next plan would revert.
    const fromThisAccount = [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [props.account.accountId] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:${props.account.partition}:logs:${props.region}:${props.account.accountId}:*`] },
    ];
    const deliveryService = [{ type: "Service", identifiers: ["delivery.logs.amazonaws.com"] }];
    props.flowLogBucket.addStatements(
      {
        sid: "AWSLogDeliveryWrite",
        principals: deliveryService,
        actions: ["s3:PutObject"],
        resources: [`${props.flowLogBucket.arn}/${PREFIXES.flowLogs}AWSLogs/${props.account.accountId}/*`],
        condition: [...fromThisAccount, { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }],
      },
      {
        sid: "AWSLogDeliveryAclCheck",
        principals: deliveryService,
        actions: ["s3:GetBucketAcl", "s3:ListBucket"],
        resources: [props.flowLogBucket.arn],
        condition: fromThisAccount,
      },
    );
    new FlowLog(this, "flow-logs", {
      vpcId: this.vpc.id,
      trafficType: "REJECT", // rejected traffic is what a security review asks for; ALL costs far more
      logDestinationType: "s3",
      logDestination: `${props.flowLogBucket.arn}/${PREFIXES.flowLogs}`,
      maxAggregationInterval: 600,
      // Created before the bucket policy, the flow log makes the service attach its own policy (which the next plan
      // reverts) or fail; after it, the service finds its statements already there.
      dependsOn: [props.flowLogBucket.policyResource],
    });
  }
}

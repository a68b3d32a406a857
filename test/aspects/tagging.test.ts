/** Tagging: the EMR-managed tag on exactly the resources AmazonEMRServicePolicy_v2 needs, environment tags once. */
import { Aspects, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { loadEnvironment } from "../../environments";
import {
  EMR_MANAGED_RESOURCE_TYPES,
  EMR_MANAGED_TAG_KEY,
  PlatformTagging,
  mergeMissingTags,
} from "../../modules/aspects";
import { emrCluster } from "../policy/fixtures";

const dev = loadEnvironment("dev");
/** What EmrPlatformStack sets on its provider. */
const STACK_DEFAULT_TAGS = { Environment: "dev", Project: "emr-platform", Owner: "platform-team", ManagedBy: "cdktf" };

/** `null`: a provider without default_tags. */
function taggedStack(providerTags: Record<string, string> | null = STACK_DEFAULT_TAGS): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "t");
  new AwsProvider(stack, "aws", { region: dev.region, ...(providerTags ? { defaultTags: [{ tags: providerTags }] } : {}) });
  const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.40.0.0/16", tags: { Name: "emr-dev" } });
  const subnet = new Subnet(stack, "subnet", { vpcId: vpc.id, cidrBlock: "10.40.0.0/20" });
  new Subnet(stack, "public", { vpcId: vpc.id, cidrBlock: "10.40.16.0/20", tags: { Name: "nat" } });
  const master = new SecurityGroup(stack, "master", { vpcId: vpc.id });
  const core = new SecurityGroup(stack, "core", { vpcId: vpc.id });
  const service = new SecurityGroup(stack, "service", { vpcId: vpc.id });
  new SecurityGroup(stack, "endpoint", { vpcId: vpc.id });
  emrCluster(stack, "cluster", {
    ec2Attributes: {
      subnetId: subnet.id,
      emrManagedMasterSecurityGroup: master.id,
      emrManagedSlaveSecurityGroup: core.id,
      serviceAccessSecurityGroup: service.id,
    },
  });
  new S3Bucket(stack, "bucket", { bucketPrefix: "data-" });
  Aspects.of(stack).add(new PlatformTagging(dev));
  return stack;
}

function synthesized(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

describe("PlatformTagging", () => {
  it("tags the cluster and the subnet, security groups and VPC it references, for AmazonEMRServicePolicy_v2", () => {
    const out = synthesized(taggedStack());
    const emrTag = { [EMR_MANAGED_TAG_KEY]: "true" };
    expect(out.resource.aws_emr_cluster.cluster.tags).toEqual(emrTag);
    expect(out.resource.aws_subnet.subnet.tags).toEqual(emrTag);
    expect(out.resource.aws_vpc.vpc.tags).toEqual({ Name: "emr-dev", ...emrTag });
    for (const group of ["master", "core", "service"]) expect(out.resource.aws_security_group[group].tags).toEqual(emrTag);
    expect([...EMR_MANAGED_RESOURCE_TYPES].sort()).toEqual(["aws_emr_cluster", "aws_security_group", "aws_subnet", "aws_vpc"]);
  });

  it("leaves what the cluster does not use untagged (a tagged public subnet is one EMR could launch into)", () => {
    const out = synthesized(taggedStack());
    expect(out.resource.aws_subnet.public.tags).toEqual({ Name: "nat" });
    expect(out.resource.aws_security_group.endpoint.tags).toBeUndefined();
    expect(out.resource.aws_s3_bucket.bucket.tags).toBeUndefined();
    expect(out.resource.aws_emr_security_configuration["cluster-sc"].tags).toBeUndefined();
  });

  it("tags only the cluster when it names its subnet by id (an existing network is tagged outside this stack)", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    new AwsProvider(stack, "aws", { region: dev.region });
    new Subnet(stack, "subnet", { vpcId: "vpc-0123456789abcdef0", cidrBlock: "10.40.0.0/20" });
    emrCluster(stack, "cluster", { ec2Attributes: { subnetId: "subnet-0123456789abcdef0" } });
    Aspects.of(stack).add(new PlatformTagging(dev));
    const out = synthesized(stack);
    expect(out.resource.aws_emr_cluster.cluster.tags).toEqual({ [EMR_MANAGED_TAG_KEY]: "true" });
    expect(out.resource.aws_subnet.subnet.tags).toBeUndefined();
  });

  it("adds config.tags to provider default_tags, not to each resource", () => {
    const out = synthesized(taggedStack());
    expect(out.provider.aws[0].default_tags).toEqual([{ tags: { ...STACK_DEFAULT_TAGS, CostCenter: "data-platform-dev" } }]);
    expect(out.resource.aws_vpc.vpc.tags).not.toHaveProperty("CostCenter");
    expect(out.resource.aws_vpc.vpc.tags).not.toHaveProperty("Environment");
  });

  it("creates default_tags for a provider that had none", () => {
    const out = synthesized(taggedStack(null));
    expect(out.provider.aws[0].default_tags).toEqual([{ tags: { CostCenter: "data-platform-dev" } }]);
  });

  it("keeps a value the stack set explicitly, in any letter case", () => {
    const out = synthesized(taggedStack({ ...STACK_DEFAULT_TAGS, costcenter: "shared" }));
    expect(out.provider.aws[0].default_tags[0].tags).toEqual({ ...STACK_DEFAULT_TAGS, costcenter: "shared" });
  });

  it("fails synth if default_tags carry the EMR-managed tag", () => {
    const stack = taggedStack({ ...STACK_DEFAULT_TAGS, [EMR_MANAGED_TAG_KEY]: "true" });
    expect(() => Testing.fullSynth(stack)).toThrow(/default_tags contain for-use-with-amazon-emr-managed-policies.*fix: remove it/);
  });
});

describe("mergeMissingTags", () => {
  it("adds only keys absent in every letter case and never overwrites", () => {
    expect(mergeMissingTags({ Environment: "dev", Team: "a" }, { environment: "oops", Team: "b", CostCenter: "cc" })).toEqual({
      Environment: "dev",
      Team: "a",
      CostCenter: "cc",
    });
  });
});

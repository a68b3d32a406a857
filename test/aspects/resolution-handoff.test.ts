/** The write of cdk.tf.json takes the JSON the platform aspects resolved, unless the stack may have changed since. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Aspects, TerraformStack, Testing, type App, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { loadEnvironment } from "../../environments";
import { ResolvedOnceStack, applyPlatformAspects } from "../../modules/aspects";
import { emrCluster, secureBucket } from "../policy/fixtures";

const dev = loadEnvironment("dev");

/** The same small platform (a tagged cluster network and a bucket) on a stack of the given class. */
function platformLike(Stack: typeof TerraformStack, aspectBefore?: IAspect): TerraformStack {
  const stack = new Stack(Testing.app(), "t");
  if (aspectBefore) Aspects.of(stack).add(aspectBefore);
  new AwsProvider(stack, "aws", { region: dev.region, defaultTags: [{ tags: { Environment: "dev" } }] });
  const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.40.0.0/16" });
  const subnet = new Subnet(stack, "subnet", { vpcId: vpc.id, cidrBlock: "10.40.0.0/20" });
  const master = new SecurityGroup(stack, "master", { vpcId: vpc.id });
  emrCluster(stack, "cluster", { ec2Attributes: { subnetId: subnet.id, emrManagedMasterSecurityGroup: master.id } });
  secureBucket(stack, "logs");
  applyPlatformAspects(stack, dev);
  return stack;
}

/** Adds a bucket to every stack it visits: a change made after the platform aspects ran. */
class AddsBucket implements IAspect {
  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node) && !node.node.tryFindChild("late")) new S3Bucket(node, "late", { bucketPrefix: "late-" });
  }
}

/** How many times cdktf itself resolved the stack during `run`. */
function resolutions(run: () => void): number {
  const spy = jest.spyOn(TerraformStack.prototype, "toTerraform");
  try {
    run();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe("ResolvedOnceStack with the platform aspects", () => {
  it("is resolved once per synth, and writes exactly what a plain stack writes", () => {
    const once = platformLike(ResolvedOnceStack);
    let written = "";
    expect(resolutions(() => (written = Testing.synth(once)))).toBe(1);
    expect(written).toBe(Testing.synth(platformLike(TerraformStack)));
    expect(JSON.parse(written).resource.aws_subnet.subnet.tags).toEqual({ "for-use-with-amazon-emr-managed-policies": "true" });
  });

  it("hands the JSON over once: a later toTerraform() resolves the stack again and sees a change made since", () => {
    const stack = platformLike(ResolvedOnceStack);
    Testing.synth(stack);
    new S3Bucket(stack, "after", { bucketPrefix: "after-" });
    expect(resolutions(() => expect(stack.toTerraform().resource.aws_s3_bucket).toHaveProperty("after"))).toBe(1);
  });

  it("drops a hand-off that was never written before the aspects run again", () => {
    const stack = platformLike(ResolvedOnceStack);
    for (const aspect of Aspects.of(stack).all) aspect.visit(stack); // resolved and handed off, but never written
    new S3Bucket(stack, "after", { bucketPrefix: "after-" });
    expect(JSON.parse(Testing.synth(stack)).resource.aws_s3_bucket).toHaveProperty("after");
  });

  it("resolves again when a later aspect on the stack may change it", () => {
    const stack = platformLike(ResolvedOnceStack);
    Aspects.of(stack).add(new AddsBucket());
    let written = "";
    expect(resolutions(() => (written = Testing.synth(stack)))).toBe(2);
    expect(JSON.parse(written).resource.aws_s3_bucket).toHaveProperty("late");
  });

  it("resolves again when an aspect on a construct below the stack may change it", () => {
    const stack = platformLike(ResolvedOnceStack);
    const bucket = stack.node.findChild("logs") as S3Bucket;
    Aspects.of(bucket).add({
      visit: (node) => {
        if (node === bucket) bucket.tags = { late: "yes" };
      },
    });
    let written = "";
    expect(resolutions(() => (written = Testing.synth(stack)))).toBe(2);
    expect(JSON.parse(written).resource.aws_s3_bucket.logs.tags).toEqual({ late: "yes" });
  });
});

/** cdk.tf.json as `npm run synth` writes it: App.synth (cdktf's preparing pass, the aspects, the write). */
function appSynthJson(stack: TerraformStack): string {
  const app = stack.node.root as App;
  app.synth();
  return readFileSync(path.join(app.outdir, "stacks", "t", "cdk.tf.json"), "utf8");
}

/** Tags the logs bucket: a change to an element cdktf's preparing pass already resolved. */
class TagsLogs implements IAspect {
  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) (node.node.findChild("logs") as S3Bucket).tags = { late: "yes" };
  }
}

describe("ResolvedOnceStack in a full synth", () => {
  it("builds the stack from cdktf's preparing pass: not resolved again, and the same bytes as a plain stack", () => {
    const once = platformLike(ResolvedOnceStack);
    let written = "";
    expect(resolutions(() => (written = appSynthJson(once)))).toBe(0);
    expect(written).toBe(appSynthJson(platformLike(TerraformStack)));
    expect(JSON.parse(written).resource.aws_emr_cluster.cluster.tags).toEqual({ "for-use-with-amazon-emr-managed-policies": "true" });
  });

  it("resolves in full when another aspect in the app may have changed the stack since the preparing pass", () => {
    const stack = platformLike(ResolvedOnceStack, new TagsLogs());
    let written = "";
    expect(resolutions(() => (written = appSynthJson(stack)))).toBe(1); // in full by the aspects; the write takes it
    expect(JSON.parse(written).resource.aws_s3_bucket.logs.tags).toEqual({ late: "yes" });
  });

  it("uses a preparing pass once: a second synth after a change resolves what changed", () => {
    const stack = platformLike(ResolvedOnceStack);
    appSynthJson(stack);
    new S3Bucket(stack, "after", { bucketPrefix: "after-" });
    expect(JSON.parse(Testing.synth(stack)).resource.aws_s3_bucket).toHaveProperty("after");
  });
});

/** applyPlatformAspects: what EmrPlatformStack calls; tagging and the guard together on one resolution of the stack. */
import { Aspects, Testing } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { loadEnvironment } from "../../environments";
import { EMR_MANAGED_TAG_KEY, PlatformAspects, applyPlatformAspects } from "../../modules/aspects";
import { emrCluster, newStack, secureBucket } from "../policy/fixtures";

const dev = loadEnvironment("dev");

function platformLikeStack(options: { openSsh?: boolean } = {}) {
  const stack = newStack();
  const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.40.0.0/16" });
  const subnet = new Subnet(stack, "subnet", { vpcId: vpc.id, cidrBlock: "10.40.0.0/20" });
  const master = new SecurityGroup(stack, "master", {
    vpcId: vpc.id,
    ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: [options.openSsh ? "0.0.0.0/0" : "10.0.0.0/8"] }],
  });
  emrCluster(stack, "cluster", { ec2Attributes: { subnetId: subnet.id, emrManagedMasterSecurityGroup: master.id } });
  secureBucket(stack, "logs");
  return stack;
}

describe("applyPlatformAspects", () => {
  it("adds one aspect that tags and guards", () => {
    const stack = platformLikeStack();
    const aspects = applyPlatformAspects(stack, dev);
    expect(Aspects.of(stack).all).toEqual([aspects]);
    expect(aspects).toBeInstanceOf(PlatformAspects);
    const out = JSON.parse(Testing.synth(stack));
    expect(out.resource.aws_subnet.subnet.tags).toEqual({ [EMR_MANAGED_TAG_KEY]: "true" });
    expect(out.provider.aws[0].default_tags).toEqual([{ tags: dev.tags }]);
    expect(() => Testing.fullSynth(stack)).not.toThrow();
  });

  it("fails synth on an insecure setting, naming the rule and the construct", () => {
    const stack = platformLikeStack({ openSsh: true });
    applyPlatformAspects(stack, dev);
    expect(() => Testing.fullSynth(stack)).toThrow(/\[t\/master\] \[policy-guard:no-world-open-ingress\]/);
  });

  it("passes with an exemption that carries a reason", () => {
    const stack = platformLikeStack({ openSsh: true });
    applyPlatformAspects(stack, dev, { exemptions: [{ rule: "no-world-open-ingress", path: "t/master", reason: "test: documented exception" }] });
    expect(() => Testing.fullSynth(stack)).not.toThrow();
  });

  it("resolves the stack once for both aspects", () => {
    const stack = platformLikeStack();
    applyPlatformAspects(stack, dev);
    const resolve = jest.spyOn(stack, "toTerraform");
    Testing.synth(stack); // invokes the aspects, then renders the stack itself
    expect(resolve).toHaveBeenCalledTimes(2);
  });
});

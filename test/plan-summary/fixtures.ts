/** A small synthesized stack written where `npm run summary` looks for it (`<outdir>/stacks/emr-<env>/cdk.tf.json`). */
import { Aspects, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { PolicyGuard } from "../../modules/aspects";
import type { Exemption } from "../../policy";
import { stackId } from "../../contracts/stack-outputs";
import { emrCluster, secureBucket } from "../policy/fixtures";

export const BASTION_EXEMPTION: Exemption = {
  rule: "no-world-open-ingress",
  path: "emr-*/bastion",
  reason: "bastion for the migration window, ticket OPS-42",
};

/** A stack with a secure bucket, a cluster and (when `bastion`) an exempted world-open security group. */
export function buildStack(environment: string, options: { bastion?: boolean } = {}): TerraformStack {
  const stack = new TerraformStack(Testing.app(), stackId(environment));
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  secureBucket(stack, "data");
  emrCluster(stack, "cluster");
  if (options.bastion) {
    new SecurityGroup(stack, "bastion", { ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
  }
  return stack;
}

/** Synthesizes like `npm run synth` (aspects included) and returns the output directory. */
export function synthesizeTo(stack: TerraformStack, exemptions: readonly Exemption[] = [BASTION_EXEMPTION]): string {
  Aspects.of(stack).add(new PolicyGuard({ exemptions }));
  return Testing.fullSynth(stack);
}

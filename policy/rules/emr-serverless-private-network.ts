import { defineRule, fromProblems } from "../rule";
import { blocks, isTrue, referencedAddress, strings, type ResolvedResource, type StackIndex } from "../stack-json";

/** Why a subnet of this stack is public (public IPs, or a default route to an internet gateway), or undefined. */
function publicSubnet(subnet: ResolvedResource, stack: StackIndex): string | undefined {
  if (isTrue(subnet.config.map_public_ip_on_launch)) return "gives its instances public IPs";
  const tables = stack
    .ofType("aws_route_table_association")
    .filter((a) => a.config.subnet_id === `\${${subnet.address}.id}`)
    .flatMap((a) => referencedAddress(a.config.route_table_id, "aws_route_table") ?? []);
  const viaGateway = stack
    .ofType("aws_route")
    .some((r) => tables.some((t) => r.config.route_table_id === `\${${t}.id}`) && referencedAddress(r.config.gateway_id, "aws_internet_gateway") !== undefined);
  return viaGateway ? "routes to an internet gateway" : undefined;
}

/**
 * An EMR Serverless application runs in the VPC (network_configuration), only in private subnets, behind security
 * groups that admit nothing. Without a network configuration ("for customer VPC connectivity", API reference
 * NetworkConfiguration) its workers are outside our VPC, where neither our security groups nor our routes govern them.
 * Literal subnet and group ids (an existing VPC) are not in the stack and are not judged.
 */
export const emrServerlessPrivateNetwork = defineRule({
  id: "emr-serverless-private-network",
  description: "EMR Serverless applications run in private subnets behind security groups without ingress",
  appliesTo: ["aws_emrserverless_application"],
  check: (application, stack) => {
    const network = blocks(application.config.network_configuration)[0];
    const subnets = strings(network?.subnet_ids);
    const groups = strings(network?.security_group_ids);
    if (subnets.length === 0 || groups.length === 0) {
      return fromProblems(["has no network_configuration with subnets and security groups; fix: the platform's private subnets and an egress-only security group"]);
    }
    const problems: string[] = [];
    for (const address of subnets.flatMap((s) => referencedAddress(s, "aws_subnet") ?? [])) {
      const subnet = stack.get(address);
      const why = subnet && publicSubnet(subnet, stack);
      if (why) problems.push(`runs in ${address}, which ${why}; fix: the private subnets only`);
    }
    for (const address of groups.flatMap((g) => referencedAddress(g, "aws_security_group") ?? [])) {
      const group = stack.get(address);
      if (!group) continue;
      const reference = `\${${address}.id}`;
      const ingress = [
        ...blocks(group.config.ingress).map((_, i) => `${address} ingress[${i}]`),
        ...stack.ofType("aws_vpc_security_group_ingress_rule").filter((r) => r.config.security_group_id === reference).map((r) => r.address),
        ...stack
          .ofType("aws_security_group_rule")
          .filter((r) => r.config.type === "ingress" && r.config.security_group_id === reference)
          .map((r) => r.address),
      ];
      if (ingress.length) problems.push(`its security group admits traffic (${ingress.join(", ")}); fix: no ingress, workers only connect out`);
    }
    return fromProblems(problems);
  },
});

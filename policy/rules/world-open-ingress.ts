import { COMPLIANT, defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { blocks, strings } from "../stack-json";

/** Any /0 prefix (0.0.0.0/0, ::/0, or a non-canonical spelling of either) is the whole internet. */
export const isWorldOpen = (cidr: string): boolean => /\/0$/.test(cidr.trim());

function worldOpen(cidrs: readonly string[]): string[] {
  return cidrs.filter(isWorldOpen);
}

/** Ingress from 0.0.0.0/0 or ::/0 on any security group, inline or as a separate rule resource. */
export const noWorldOpenIngress = defineRule({
  id: "no-world-open-ingress",
  description: "No security group ingress from 0.0.0.0/0 or ::/0",
  appliesTo: ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
  check: (resource) => {
    const c = resource.config;
    switch (resource.type) {
      case "aws_security_group":
        return fromProblems(
          blocks(c.ingress).flatMap((rule, i) =>
            worldOpen([...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)]).map(
              (cidr) => `ingress[${i}] (ports ${rule.from_port}-${rule.to_port}) is open to ${cidr}; fix: allow a VPN or office CIDR, or a source security group`,
            ),
          ),
        );
      case "aws_security_group_rule":
        if (c.type !== "ingress") return NOT_APPLICABLE;
        return fromProblems(
          worldOpen([...strings(c.cidr_blocks), ...strings(c.ipv6_cidr_blocks)]).map(
            (cidr) => `ingress (ports ${c.from_port}-${c.to_port}) is open to ${cidr}; fix: allow a VPN or office CIDR, or a source security group`,
          ),
        );
      case "aws_vpc_security_group_ingress_rule":
        return fromProblems(
          worldOpen([...strings(c.cidr_ipv4), ...strings(c.cidr_ipv6)]).map(
            (cidr) => `ingress (ports ${c.from_port ?? "all"}-${c.to_port ?? "all"}) is open to ${cidr}; fix: allow a VPN or office CIDR, or referenced_security_group_id`,
          ),
        );
      default:
        return COMPLIANT;
    }
  },
});

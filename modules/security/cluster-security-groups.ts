import type { ITerraformDependable } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";

export interface ClusterSecurityGroupsProps {
  readonly access: EnvironmentConfig["access"];
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly vpcId: string;
}

/** Web UIs an operator may open to the admin CIDRs: YARN, Zeppelin, Spark history, HDFS, Tez. */
export const WEB_UI_PORTS = [8088, 8890, 18080, 9870, 20888] as const;

/**
 * EMR-managed security groups for master, core/task and service access. EMR adds its own rules to these groups, so
 * Terraform owns only the rules declared here as separate resources and ignores the groups' inline rule sets.
 */
export class ClusterSecurityGroups extends Construct {
  readonly master: SecurityGroup;
  readonly core: SecurityGroup;
  readonly serviceAccess: SecurityGroup;
  /**
   * Every rule resource declared here. The cluster waits for them: EMR adds its own rules to these groups when it
   * starts, and a rule resource created after an identical EMR rule fails with InvalidPermission.Duplicate.
   */
  readonly rules: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: ClusterSecurityGroupsProps) {
    super(scope, id);
    const { access, name, vpcId } = props;
    const group = (gid: string, description: string) =>
      new SecurityGroup(this, gid, {
        name: `${name}-${gid}`,
        description,
        vpcId,
        revokeRulesOnDelete: true, // EMR's cross-references between these groups would otherwise block deletion
        lifecycle: { ignoreChanges: ["ingress", "egress"] }, // EMR manages rules inside these groups
        tags: { Name: `${name}-${gid}` },
      });
    this.master = group("master", `EMR-managed: ${name} master node`);
    this.core = group("core", `EMR-managed: ${name} core and task nodes`);
    this.serviceAccess = group("service-access", `EMR-managed: ${name} service access (private subnets)`);

    const track = <T extends ITerraformDependable>(rule: T): T => {
      this.rules.push(rule);
      return rule;
    };
    const fromGroup = (rid: string, target: SecurityGroup, port: number, source: SecurityGroup, description: string) =>
      track(new VpcSecurityGroupIngressRule(this, rid, {
        securityGroupId: target.id,
        referencedSecurityGroupId: source.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description,
      }));
    const toGroup = (rid: string, from: SecurityGroup, port: number, target: SecurityGroup, description: string) =>
      track(new VpcSecurityGroupEgressRule(this, rid, {
        securityGroupId: from.id,
        referencedSecurityGroupId: target.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description,
      }));

    // In a private subnet EMR talks to the cluster through the service-access group (EMR management guide).
    fromGroup("service-access-from-master", this.serviceAccess, 9443, this.master, "EMR service access from master (9443)");
    toGroup("service-access-to-master", this.serviceAccess, 8443, this.master, "EMR service to master (8443)");
    toGroup("service-access-to-core", this.serviceAccess, 8443, this.core, "EMR service to core/task (8443)");
    fromGroup("master-from-service-access", this.master, 8443, this.serviceAccess, "EMR service to master (8443)");
    fromGroup("core-from-service-access", this.core, 8443, this.serviceAccess, "EMR service to core/task (8443)");

    // Nodes reach S3 (gateway endpoint), package mirrors (NAT) and AWS APIs.
    for (const [gid, sg] of [["master", this.master], ["core", this.core]] as const) {
      track(new VpcSecurityGroupEgressRule(this, `${gid}-egress`, {
        securityGroupId: sg.id,
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
        description: "Outbound to AWS APIs, S3 and package mirrors",
      }));
    }

    // Operators: SSH only with a key pair, web UIs only when opted in; SSH tunnels are the default.
    const adminPorts: { port: number; what: string }[] = [
      ...(access.keyPairName ? [{ port: 22, what: "SSH" }] : []),
      ...(access.webUiIngress ? WEB_UI_PORTS.map((port) => ({ port, what: "web UI" })) : []),
    ];
    access.adminCidrs.forEach((cidr, i) => {
      for (const { port, what } of adminPorts) {
        track(new VpcSecurityGroupIngressRule(this, `admin-${i}-${port}`, {
          securityGroupId: this.master.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          ...(cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
          description: `Admin ${what} (${port}) from ${cidr}`,
        }));
      }
    });
  }
}

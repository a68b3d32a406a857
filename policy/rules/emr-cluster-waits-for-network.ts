import { defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { blocks, referencedAddress, strings } from "../stack-json";

/**
 * A cluster in subnets of this stack lists in depends_on each subnet's route-table association, the routes of those
 * tables and the VPC endpoints attached to them. Without them Terraform may start the cluster before its network: the
 * bootstrap action then finds no route to PyPI or S3 and the cluster fails. The provider's own EMR acceptance configs
 * order the cluster after aws_route_table_association for this reason (internal/service/emr/cluster_test.go). An
 * instance-fleets cluster names all its subnets in ec2_attributes.subnet_ids; EMR may pick any of them.
 */
export const emrClusterWaitsForNetwork = defineRule({
  id: "emr-cluster-waits-for-network",
  description: "EMR clusters depend on their subnets' route-table associations, routes and VPC endpoints",
  appliesTo: ["aws_emr_cluster"],
  check: (cluster, stack) => {
    const ec2 = blocks(cluster.config.ec2_attributes)[0];
    const subnets = [...strings(ec2?.subnet_id), ...strings(ec2?.subnet_ids)]
      .flatMap((value) => referencedAddress(value, "aws_subnet") ?? [])
      .filter((subnet) => stack.get(subnet)); // an existing subnet: its routes are not ours to order
    if (subnets.length === 0) return NOT_APPLICABLE;
    const associations = stack.ofType("aws_route_table_association").filter((a) => subnets.some((subnet) => a.config.subnet_id === `\${${subnet}.id}`));
    const tables = associations.flatMap((a) => referencedAddress(a.config.route_table_id, "aws_route_table") ?? []);
    const onTable = (value: unknown) => strings(value).some((v) => tables.some((t) => v === `\${${t}.id}`));
    const required = [
      ...associations,
      ...stack.ofType("aws_route").filter((r) => onTable(r.config.route_table_id)),
      ...stack.ofType("aws_vpc_endpoint").filter((e) => onTable(e.config.route_table_ids)),
    ].map((r) => r.address);
    if (associations.length === 0) return NOT_APPLICABLE; // the subnet's routing is not declared here: nothing to order on
    // cdktf writes `aws_route.x`; a hand-set fqn arrives as `${aws_route.x}`.
    const dependsOn = new Set(strings(cluster.config.depends_on).map((d) => d.replace(/^\$\{(.*)\}$/, "$1")));
    const missing = required.filter((address) => !dependsOn.has(address));
    return fromProblems(missing.length ? [`does not depend on ${missing.join(", ")}; fix: add the network module's clusterDependencies to the cluster's dependsOn`] : []);
  },
});

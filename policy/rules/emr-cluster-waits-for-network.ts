import { defineRule, fromProblems, NOT_APPLICABLE } from "../rule";
import { blocks, strings } from "../stack-json";

const SUBNET_REFERENCE = /^\$\{(aws_subnet\.[A-Za-z0-9_-]+)\.id\}$/;
const ROUTE_TABLE_REFERENCE = /^\$\{(aws_route_table\.[A-Za-z0-9_-]+)\.id\}$/;

/**
 * A cluster in a subnet of this stack lists in depends_on the subnet's route-table association, the routes of that
 * table and the VPC endpoints attached to it. Without them Terraform may start the cluster before its network: the
 * bootstrap action then finds no route to PyPI or S3 and the cluster fails. The provider's own EMR acceptance configs
 * order the cluster after aws_route_table_association for this reason (internal/service/emr/cluster_test.go).
 */
export const emrClusterWaitsForNetwork = defineRule({
  id: "emr-cluster-waits-for-network",
  description: "EMR clusters depend on their subnet's route-table association, routes and VPC endpoints",
  appliesTo: ["aws_emr_cluster"],
  check: (cluster, stack) => {
    const subnet = SUBNET_REFERENCE.exec(String(blocks(cluster.config.ec2_attributes)[0]?.subnet_id ?? ""))?.[1];
    if (!subnet || !stack.get(subnet)) return NOT_APPLICABLE; // an existing subnet: its routes are not ours to order
    const associations = stack
      .ofType("aws_route_table_association")
      .filter((a) => a.config.subnet_id === `\${${subnet}.id}`);
    const tables = associations.flatMap((a) => ROUTE_TABLE_REFERENCE.exec(String(a.config.route_table_id ?? ""))?.[1] ?? []);
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

/**
 * The EMR words more than one floor speaks (modules, the plan summary, `info`, the config checks), stated once: the
 * tag the EMR managed policies condition on, the CloudWatch namespace of EMR's metrics, node roles and EMR's names for
 * them, markets, the two capacity shapes and the unit type managed scaling counts in. The rules that use these words
 * live in the capacity model (modules/emr-cluster/capacity-model.ts) and environments/capacity-rules.ts.
 */

/** The tag AmazonEMRServicePolicy_v2 requires on the VPC, subnets, security groups and cluster it manages. */
export const EMR_MANAGED_TAG_KEY = "for-use-with-amazon-emr-managed-policies";
export const EMR_MANAGED_TAG_VALUE = "true";

/** CloudWatch namespace of the metrics EMR publishes per cluster (dimension JobFlowId). */
export const EMR_METRICS_NAMESPACE = "AWS/ElasticMapReduce";

/** A node role, as the config names its groups and fleets. */
export type NodeRole = "master" | "core" | "task";
export const NODE_ROLES: readonly NodeRole[] = ["master", "core", "task"];
/** EMR's name of a node role: InstanceRole (groups) and InstanceFleetType (fleets) both use it. */
export type EmrRole = "MASTER" | "CORE" | "TASK";
export const EMR_ROLE: Readonly<Record<NodeRole, EmrRole>> = { master: "MASTER", core: "CORE", task: "TASK" };
/** A purchasing option. */
export type Market = "ON_DEMAND" | "SPOT";
/** The two ways EMR provisions capacity: instance groups or instance fleets. */
export type CapacityShape = "groups" | "fleets";
/** ComputeLimits.UnitType per shape (EMR API, ComputeLimits). */
export const MANAGED_UNIT_TYPE: Readonly<Record<CapacityShape, "Instances" | "InstanceFleetUnits">> = { groups: "Instances", fleets: "InstanceFleetUnits" };

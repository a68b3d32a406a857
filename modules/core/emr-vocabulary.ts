/**
 * The EMR words more than one module (and the plan summary) speak, stated once: the tag the EMR managed policies
 * condition on, the CloudWatch namespace of EMR's metrics, and the instance-group roles and markets.
 */
import type { EnvironmentConfig, InstanceGroupConfig } from "../../environments/schema";

/** The tag AmazonEMRServicePolicy_v2 requires on the VPC, subnets, security groups and cluster it manages. */
export const EMR_MANAGED_TAG_KEY = "for-use-with-amazon-emr-managed-policies";
export const EMR_MANAGED_TAG_VALUE = "true";

/** CloudWatch namespace of the metrics EMR publishes per cluster (dimension JobFlowId). */
export const EMR_METRICS_NAMESPACE = "AWS/ElasticMapReduce";

/** An instance group's role, as the config names its groups. */
export type GroupRole = keyof EnvironmentConfig["instances"];
export const GROUP_ROLES: readonly GroupRole[] = ["master", "core", "task"];
/** An instance group's purchasing option, as the schema allows it. */
export type Market = InstanceGroupConfig["market"];

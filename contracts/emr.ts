/**
 * The EMR words more than one module (and the plan summary) speak, stated once: the tag the EMR managed policies
 * condition on and the CloudWatch namespace of EMR's metrics. Node roles, markets and scaling words live in the
 * capacity model (modules/emr-cluster/capacity-model.ts).
 */

/** The tag AmazonEMRServicePolicy_v2 requires on the VPC, subnets, security groups and cluster it manages. */
export const EMR_MANAGED_TAG_KEY = "for-use-with-amazon-emr-managed-policies";
export const EMR_MANAGED_TAG_VALUE = "true";

/** CloudWatch namespace of the metrics EMR publishes per cluster (dimension JobFlowId). */
export const EMR_METRICS_NAMESPACE = "AWS/ElasticMapReduce";

/** Every rule the policy guard runs, in report order. Add a rule: one file here, one entry below, tests in test/aspects. */
import { athenaWorkgroupEncrypted } from "./athena-workgroup-encrypted";
import { cloudwatchLogGroupKms } from "./cloudwatch-log-group-kms";
import { ec2TrustWithoutCondition } from "./ec2-trust-without-condition";
import { emrBlockPublicAccess } from "./emr-block-public-access";
import { emrClusterLogging } from "./emr-cluster-logging";
import { emrClusterSecurityConfiguration } from "./emr-cluster-security-configuration";
import { emrClusterWaitsForNetwork } from "./emr-cluster-waits-for-network";
import { emrFleetSpotTimeouts } from "./emr-fleet-spot-timeouts";
import { emrProdCoreOnDemand } from "./emr-prod-core-on-demand";
import { emrSecurityConfigurationEncryption } from "./emr-security-configuration-encryption";
import { emrServerlessLogsEncrypted } from "./emr-serverless-logs-encrypted";
import { emrServerlessPrivateNetwork } from "./emr-serverless-private-network";
import { emrServerlessRoleScoped } from "./emr-serverless-role-scoped";
import { glueNoWildcardResource } from "./glue-no-wildcard-resource";
import { iamNoWildcardActions } from "./iam-no-wildcard-actions";
import { kinesisNoWildcardResource } from "./kinesis-no-wildcard-resource";
import { kinesisStreamEncrypted } from "./kinesis-stream-encrypted";
import { kmsKeyRotation } from "./kms-key-rotation";
import { s3BucketPublicAccessBlock } from "./s3-bucket-public-access-block";
import { s3BucketSseKms } from "./s3-bucket-sse-kms";
import { s3BucketTlsOnly } from "./s3-bucket-tls-only";
import { s3ListBucketForReaders } from "./s3-list-bucket-for-readers";
import { snsTopicKms } from "./sns-topic-kms";
import { sfnFailuresTerminateCluster } from "./sfn-failures-terminate-cluster";
import { sfnLoggingOn } from "./sfn-logging-on";
import { sfnRetryBounded } from "./sfn-retry-bounded";
import { sfnRoleMatchesDefinition } from "./sfn-role-matches-definition";
import { sfnTimeoutSet } from "./sfn-timeout-set";
import { sfnDefinitionAsl } from "./sfn-definition-asl";
import { sfnDefinitionParameters } from "./sfn-definition-parameters";
import { noWorldOpenIngress } from "./world-open-ingress";

export const POLICY_RULES = [
  noWorldOpenIngress,
  s3BucketSseKms,
  s3BucketPublicAccessBlock,
  s3BucketTlsOnly,
  emrClusterSecurityConfiguration,
  emrSecurityConfigurationEncryption,
  emrClusterLogging,
  emrBlockPublicAccess,
  iamNoWildcardActions,
  snsTopicKms,
  kmsKeyRotation,
  cloudwatchLogGroupKms,
  ec2TrustWithoutCondition,
  s3ListBucketForReaders,
  emrClusterWaitsForNetwork,
  emrProdCoreOnDemand,
  emrFleetSpotTimeouts,
  emrServerlessPrivateNetwork,
  emrServerlessLogsEncrypted,
  emrServerlessRoleScoped,
  sfnFailuresTerminateCluster,
  sfnRetryBounded,
  sfnTimeoutSet,
  sfnLoggingOn,
  sfnRoleMatchesDefinition,
  sfnDefinitionAsl,
  sfnDefinitionParameters,
  athenaWorkgroupEncrypted,
  glueNoWildcardResource,
  kinesisStreamEncrypted,
  kinesisNoWildcardResource,
] as const;

export type RuleId = (typeof POLICY_RULES)[number]["id"];

export const RULE_IDS: readonly RuleId[] = POLICY_RULES.map((r) => r.id);

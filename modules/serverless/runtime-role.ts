import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { PREFIXES } from "../../contracts/stack-outputs";
import type { AccountContext } from "../core/account-context";
import { PolicyStatements } from "../core/policy-statements";
import { trust } from "../iam/platform-iam";
import type { PlatformStorage } from "../storage/platform-storage";

/** The service principal EMR Serverless assumes job runtime roles as, and pulls custom images as. */
export const EMR_SERVERLESS_SERVICE = "emr-serverless.amazonaws.com";

export interface ServerlessRuntimeRoleProps {
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly account: AccountContext;
  readonly storage: PlatformStorage;
  /** The application whose job runs may assume the role (aws:SourceArn). */
  readonly applicationArn: string;
  /** The CloudWatch log group the application's monitoring configuration writes to. */
  readonly logGroupArn: string;
}

/**
 * The job runtime role (StartJobRun's executionRoleArn): what a job on EMR Serverless may touch. The same bucket
 * prefixes as the cluster's EC2 role (modules/iam/platform-iam.ts), through the buckets' own grant builders.
 *
 * Trust: emr-serverless.amazonaws.com, only for this account and exactly this application ("Job runtime roles for
 * Amazon EMR Serverless" and the IAM guide's "The confused deputy problem"). The application does not reference the
 * role (the role is named per job run), so the trust can name the application's ARN without a cycle.
 *
 * The Glue Data Catalog's read-only grant is added to `policy` by the catalog (PlatformCatalog.grantRead), as for the
 * cluster's EC2 role.
 */
export class ServerlessRuntimeRole extends Construct {
  readonly role: IamRole;
  readonly policy: PolicyStatements;

  constructor(scope: Construct, id: string, props: ServerlessRuntimeRoleProps) {
    super(scope, id);
    const { name, account, storage } = props;
    this.role = new IamRole(this, "role", {
      name: `${name}-serverless-job`,
      description: `EMR Serverless job runtime role for ${name}`,
      assumeRolePolicy: trust(this, "trust", [EMR_SERVERLESS_SERVICE], account, { sourceArn: props.applicationArn }).json,
    });

    this.policy = new PolicyStatements(this, "policy-document");
    storage.data.grantReadWrite(this.policy, [PREFIXES.raw, PREFIXES.processed, PREFIXES.rejected], "Data");
    storage.artifacts.grantRead(this.policy, [PREFIXES.jobs], "Artifacts");
    // The S3 monitoring configuration uploads logs with the job run's role, encrypted with our key.
    storage.logs.grantWrite(this.policy, [PREFIXES.serverlessLogs], "JobLogs");
    this.policy.addStatements(
      {
        sid: "CloudWatchJobLogs",
        // "Logging for EMR Serverless with Amazon CloudWatch" > required permissions of the job runtime role.
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [props.logGroupArn, `${props.logGroupArn}:*`],
      },
      {
        sid: "CloudWatchDescribeLogGroups",
        // DescribeLogGroups is authorized on the account's log groups, not on one group.
        actions: ["logs:DescribeLogGroups"],
        resources: [`arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:*`],
      },
      {
        sid: "LogEncryption",
        // Logs encrypted with a customer key (S3 and CloudWatch monitoring configurations' encryptionKeyArn).
        actions: ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"],
        resources: [storage.key.arn],
      },
    );
    new IamRolePolicy(this, "policy", { name: `${name}-serverless-job`, role: this.role.id, policy: this.policy.json });
  }
}

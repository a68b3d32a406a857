import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { Construct } from "constructs";
import type { CatalogConfig } from "../../environments/catalog";

export interface QueryWorkgroupProps {
  /** Workgroup name, `<project>-<env>`. */
  readonly name: string;
  readonly athena: CatalogConfig["athena"];
  /** `s3://<logs bucket>/athena-results/`. */
  readonly resultsLocation: string;
  readonly kmsKeyArn: string;
}

/**
 * The environment's Athena workgroup. Enforced configuration: a query cannot choose another result location or turn
 * encryption off, and the per-query data usage control cancels a query past the cutoff ("Override client-side
 * settings", "Using workgroups to control query access and costs" in the Athena guide). Results are SSE-KMS with our
 * key ("Encrypt Athena query results stored in Amazon S3").
 */
export class QueryWorkgroup extends Construct {
  readonly workgroup: AthenaWorkgroup;

  constructor(scope: Construct, id: string, props: QueryWorkgroupProps) {
    super(scope, id);
    this.workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: props.name,
      description: `Queries over the ${props.name} catalog; results under ${props.resultsLocation.replace(/^s3:\/\/[^/]+\//, "")}`,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.athena.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: props.resultsLocation,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: props.kmsKeyArn },
        },
      },
    });
  }
}

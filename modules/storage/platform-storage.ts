import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";

/** The part of the environment config storage reads. */
export type StorageConfig = Pick<EnvironmentConfig, "storage" | "logging" | "catalog">;
import type { AccountContext } from "../core/account-context";
import { PREFIXES } from "../../contracts/stack-outputs";
import { PlatformKey } from "./platform-key";
import { SecureBucket } from "./secure-bucket";

export interface PlatformStorageProps {
  readonly config: StorageConfig;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly account: AccountContext;
}

/**
 * The environment's key and three buckets: data (raw/processed/rejected), logs (EMR logs, S3 access logs, VPC flow
 * logs; expired after logging.retentionDays) and artifacts (jobs, bootstrap scripts, certificates).
 */
export class PlatformStorage extends Construct {
  readonly key: PlatformKey;
  readonly data: SecureBucket;
  readonly logs: SecureBucket;
  readonly artifacts: SecureBucket;

  constructor(scope: Construct, id: string, props: PlatformStorageProps) {
    super(scope, id);
    const { config, name } = props;
    this.key = new PlatformKey(this, "key", { name, account: props.account });
    const common = {
      key: this.key,
      forceDestroy: config.storage.forceDestroy,
      noncurrentVersionDays: config.storage.noncurrentVersionDays,
    };
    this.logs = new SecureBucket(this, "logs", {
      ...common,
      namePrefix: `${name}-logs-`,
      expireAfterDays: config.logging.retentionDays,
      prefixExpirations: [{ prefix: PREFIXES.athenaResults, days: config.catalog.athena.resultsRetentionDays }],
      noncurrentVersionDays: Math.min(config.logging.retentionDays, config.storage.noncurrentVersionDays),
    });
    this.data = new SecureBucket(this, "data", {
      ...common,
      namePrefix: `${name}-data-`,
      accessLogs: { bucket: this.logs, prefix: `${PREFIXES.accessLogs}data/` },
    });
    this.artifacts = new SecureBucket(this, "artifacts", {
      ...common,
      namePrefix: `${name}-artifacts-`,
      accessLogs: { bucket: this.logs, prefix: `${PREFIXES.accessLogs}artifacts/` },
    });
  }
}

import { KinesisStream } from "@cdktf/provider-aws/lib/kinesis-stream";
import { Construct } from "constructs";
import type { StreamingConfig } from "../../environments/streaming";
import type { Grantee } from "../core/policy-statements";
import type { PlatformKey } from "../storage/platform-key";

export interface TicksStreamProps {
  /** Resource name prefix, e.g. "emr-platform-dev"; the stream is `<name>-ticks`. */
  readonly name: string;
  readonly stream: StreamingConfig["stream"];
  /** Server-side encryption of every record under this key. */
  readonly key: PlatformKey;
}

/**
 * What a GetRecords (shared-throughput) consumer of the EMR Kinesis connector calls, per the connector's README
 * (awslabs/spark-sql-kinesis-connector, "Configure Kinesis Source with GetRecords consumer type"). Enhanced fan-out
 * (SubscribeToShard and the consumer actions on `<stream>/consumer/*`) is not used, so not granted.
 */
export const CONNECTOR_READ_ACTIONS = ["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"];

/**
 * The market-ticks stream: on-demand or provisioned from config, records encrypted with the platform key. Grants live
 * here and cover the key.
 */
export class TicksStream extends Construct {
  readonly stream: KinesisStream;
  readonly streamName: string;
  readonly arn: string;
  readonly key: PlatformKey;

  constructor(scope: Construct, id: string, props: TicksStreamProps) {
    super(scope, id);
    const { stream } = props;
    this.key = props.key;
    this.streamName = `${props.name}-ticks`;
    this.stream = new KinesisStream(this, "stream", {
      name: this.streamName,
      streamModeDetails: { streamMode: stream.mode },
      // CreateStream: ShardCount is required in PROVISIONED mode and must be left out ON_DEMAND (Kinesis API reference).
      ...(stream.mode === "PROVISIONED" ? { shardCount: stream.shards } : {}),
      retentionPeriod: stream.retentionHours,
      encryptionType: "KMS",
      kmsKeyId: props.key.arn,
    });
    this.arn = this.stream.arn;
  }

  /**
   * Read the stream as the EMR connector does; decrypt its records. Consumers of a stream encrypted with a
   * customer-managed key need kms:Decrypt on it ("Permissions to use user-generated KMS keys", Kinesis Data Streams
   * developer guide, "Example consumer permissions").
   */
  grantRead(grantee: Grantee, sid: string): void {
    grantee.addStatements(
      { sid: `${sid}Stream`, actions: CONNECTOR_READ_ACTIONS, resources: [this.arn] },
      { sid: `${sid}Key`, actions: ["kms:Decrypt"], resources: [this.key.arn] },
    );
  }
}

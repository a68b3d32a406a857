import { createHash } from "node:crypto";
import { Lazy } from "cdktf";
import { EmrSecurityConfiguration } from "@cdktf/provider-aws/lib/emr-security-configuration";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../environments/schema";

/** The part of the environment config encryption reads. */
export type EncryptionConfig = Pick<EnvironmentConfig, "name" | "region" | "tls">;
import type { PlatformKey } from "../storage/platform-key";
import type { SecureBucket } from "../storage/secure-bucket";
import { GeneratedTlsCertificates } from "./tls-certificates";

export interface EmrEncryptionProps {
  readonly config: EncryptionConfig;
  /** Resource name prefix, e.g. "emr-platform-dev". */
  readonly name: string;
  readonly key: PlatformKey;
  readonly artifacts: SecureBucket;
}

/** The security configuration document, keys in a fixed order so the JSON (and its hash) is stable. */
export function securityConfigurationDocument(keyArn: string, certificateZipS3Uri: string): object {
  return {
    EncryptionConfiguration: {
      EnableAtRestEncryption: true,
      EnableInTransitEncryption: true,
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: keyArn },
        LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: "AwsKms", AwsKmsKey: keyArn, EnableEbsEncryption: true },
      },
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: certificateZipS3Uri },
      },
    },
    // IMDSv2 only: a stolen SSRF can't read the node's credentials with a plain GET.
    InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: 2, HttpPutResponseHopLimit: 2 },
  };
}

/**
 * At-rest (S3 SSE-KMS, local disk + EBS with KMS) and in-transit (TLS) encryption for the cluster. Security
 * configurations are replace-only, so the name carries a hash of the content: a change creates a new one first.
 */
export class EmrEncryption extends Construct {
  readonly securityConfiguration: EmrSecurityConfiguration;
  readonly certificates?: GeneratedTlsCertificates;
  readonly certificateZipS3Uri: string;

  constructor(scope: Construct, id: string, props: EmrEncryptionProps) {
    super(scope, id);
    const { config } = props;
    if (config.tls.certificateZipS3Uri) {
      this.certificateZipS3Uri = config.tls.certificateZipS3Uri;
    } else {
      this.certificates = new GeneratedTlsCertificates(this, "certificates", {
        environment: config.name,
        region: config.region,
        validityHours: config.tls.generatedValidityHours,
        artifacts: props.artifacts,
      });
      this.certificateZipS3Uri = this.certificates.s3Uri;
    }
    const configuration = JSON.stringify(securityConfigurationDocument(props.key.arn, this.certificateZipS3Uri));
    this.securityConfiguration = new EmrSecurityConfiguration(this, "config", {
      // Resolved at synth: references become stable Terraform addresses, so the hash follows the content.
      name: Lazy.stringValue({
        produce: (context) =>
          `${props.name}-${createHash("sha256").update(JSON.stringify(context.resolve(configuration))).digest("hex").slice(0, 12)}`,
      }),
      configuration,
      lifecycle: { createBeforeDestroy: true },
      dependsOn: this.certificates ? [this.certificates.object] : [],
    });
  }
}

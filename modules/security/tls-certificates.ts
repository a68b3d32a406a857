import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert";
import { Construct } from "constructs";
import { PREFIXES } from "../../contracts/stack-outputs";
import type { SecureBucket } from "../storage/secure-bucket";

export interface GeneratedTlsCertificatesProps {
  readonly environment: string;
  readonly region: string;
  readonly validityHours: number;
  readonly artifacts: SecureBucket;
}

/**
 * A self-signed certificate for EMR in-transit encryption in non-prod environments, zipped the way EMR's PEM
 * provider expects and uploaded to the artifacts bucket. Its private key is kept in Terraform state (encrypted S3
 * backend); prod must name its own certificates instead (the schema enforces it).
 */
export class GeneratedTlsCertificates extends Construct {
  readonly s3Uri: string;
  readonly object: S3Object;

  constructor(scope: Construct, id: string, props: GeneratedTlsCertificatesProps) {
    super(scope, id);
    new TlsProvider(this, "tls");
    new ArchiveProvider(this, "archive");
    const key = new PrivateKey(this, "key", { algorithm: "RSA", rsaBits: 2048 });
    // Node hostnames: ec2.internal in us-east-1, <region>.compute.internal elsewhere.
    const domain = props.region === "us-east-1" ? "ec2.internal" : `${props.region}.compute.internal`;
    const cert = new SelfSignedCert(this, "cert", {
      privateKeyPem: key.privateKeyPem,
      subject: [{ commonName: `*.${domain}`, organization: `emr-platform ${props.environment}` }],
      dnsNames: [`*.${domain}`],
      validityPeriodHours: props.validityHours,
      earlyRenewalHours: Math.min(720, Math.floor(props.validityHours / 4)),
      allowedUses: ["key_encipherment", "digital_signature", "server_auth", "client_auth"],
    });
    // The archive_file DATA SOURCE writes the zip when it is read, at plan time. That is safe here because the only
    // deploy path plans and applies in one workspace: `deploy` runs `terraform plan -out` and `terraform apply <plan>`
    // in the same process and stack directory (scripts/commands/deploy.ts; .github/workflows/deploy.yml runs that one
    // command in one job), and the pull-request plan job never applies. The managed `archive_file` resource is no
    // fix: archive provider 2.7.1 marks it deprecated ("use data source instead", internal/provider/
    // resource_archive_file.go) and it too writes the file only on create/refresh, so a saved plan applied in a
    // fresh checkout would still miss it. The path is relative, so the zip lands in the stack directory both use.
    const zip = new DataArchiveFile(this, "zip", {
      type: "zip",
      outputPath: `emr-tls-${props.environment}.zip`,
      source: [
        { filename: "privateKey.pem", content: key.privateKeyPem },
        { filename: "certificateChain.pem", content: cert.certPem },
        { filename: "trustedCertificates.pem", content: cert.certPem },
      ],
    });
    const objectKey = `${PREFIXES.certificates}emr-tls-${props.environment}.zip`;
    this.object = new S3Object(this, "object", {
      bucket: props.artifacts.bucketName,
      key: objectKey,
      source: zip.outputPath,
      sourceHash: zip.outputBase64Sha256,
      serverSideEncryption: "aws:kms",
      kmsKeyId: props.artifacts.key.arn,
      contentType: "application/zip",
    });
    this.s3Uri = props.artifacts.s3Uri(objectKey);
  }
}

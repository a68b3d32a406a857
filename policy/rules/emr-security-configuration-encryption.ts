import { defineRule, fromProblems } from "../rule";
import { blocks, isRecord, isTrue, nonEmptyString } from "../stack-json";

const KMS_S3_MODES = ["SSE-KMS", "CSE-KMS"];

/** Every at-rest and in-transit problem in a parsed security configuration document (empty when it is compliant). */
export function encryptionProblems(document: unknown): string[] {
  const encryption = isRecord(document) ? document.EncryptionConfiguration : undefined;
  if (!isRecord(encryption)) return ["has no EncryptionConfiguration; fix: enable at-rest and in-transit encryption"];
  const problems: string[] = [];

  if (!isTrue(encryption.EnableAtRestEncryption)) {
    problems.push("EnableAtRestEncryption is not true");
  } else {
    const atRest = isRecord(encryption.AtRestEncryptionConfiguration) ? encryption.AtRestEncryptionConfiguration : {};
    const s3 = isRecord(atRest.S3EncryptionConfiguration) ? atRest.S3EncryptionConfiguration : undefined;
    const s3Modes = [s3, ...blocks(s3?.Overrides)].filter(isRecord);
    if (!s3) problems.push("S3EncryptionConfiguration is missing (EMRFS data would not be KMS-encrypted)");
    for (const mode of s3Modes) {
      if (!KMS_S3_MODES.includes(String(mode.EncryptionMode))) {
        problems.push(`S3 EncryptionMode is ${String(mode.EncryptionMode)} (needs SSE-KMS or CSE-KMS)`);
      } else if (!nonEmptyString(mode.AwsKmsKey)) {
        problems.push(`S3 ${String(mode.EncryptionMode)} has no AwsKmsKey`);
      }
    }
    const disk = isRecord(atRest.LocalDiskEncryptionConfiguration) ? atRest.LocalDiskEncryptionConfiguration : undefined;
    if (!disk) {
      problems.push("LocalDiskEncryptionConfiguration is missing");
    } else {
      if (disk.EncryptionKeyProviderType !== "AwsKms") {
        problems.push(`local disk EncryptionKeyProviderType is ${String(disk.EncryptionKeyProviderType)} (needs AwsKms)`);
      } else if (!nonEmptyString(disk.AwsKmsKey)) {
        problems.push("local disk encryption has no AwsKmsKey");
      }
      if (!isTrue(disk.EnableEbsEncryption)) problems.push("EnableEbsEncryption is not true (EBS root and data volumes unencrypted)");
    }
  }

  if (!isTrue(encryption.EnableInTransitEncryption)) {
    problems.push("EnableInTransitEncryption is not true");
  } else {
    const inTransit = isRecord(encryption.InTransitEncryptionConfiguration) ? encryption.InTransitEncryptionConfiguration : {};
    const tls = inTransit.TLSCertificateConfiguration;
    if (!isRecord(tls) || !nonEmptyString(tls.CertificateProviderType)) {
      problems.push("in-transit encryption has no TLSCertificateConfiguration");
    }
  }
  return problems;
}

/**
 * The security configuration's `configuration` is a JSON string that checkov treats as unknown and skips, so the guard
 * parses it: at rest S3 SSE-KMS/CSE-KMS, local disks with KMS and EBS encryption; in transit TLS.
 */
export const emrSecurityConfigurationEncryption = defineRule({
  id: "emr-security-configuration-encryption",
  description: "EMR security configurations enable KMS at-rest encryption (S3, local disk, EBS) and in-transit TLS",
  appliesTo: ["aws_emr_security_configuration"],
  check: (resource) => {
    const text = resource.config.configuration;
    let document: unknown;
    try {
      document = typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
      document = undefined;
    }
    if (document === undefined) {
      return fromProblems(["configuration is not literal JSON, so its encryption cannot be checked; fix: render it with JSON.stringify"]);
    }
    const problems = encryptionProblems(document);
    return fromProblems(problems.length ? [`${problems.join(", ")}; fix: see the security module's encryption settings`] : []);
  },
});

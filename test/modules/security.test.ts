import { EmrSecurityConfiguration } from "@cdktf/provider-aws/lib/emr-security-configuration";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { loadEnvironment, parseEnvironment, environmentInput } from "../../environments";
import type { EnvironmentConfig } from "../../environments/schema";
import { ClusterSecurityGroups, WEB_UI_PORTS } from "../../modules/security/cluster-security-groups";
import { EmrEncryption } from "../../modules/security/emr-encryption";
import { PlatformStorage } from "../../modules/storage/platform-storage";
import { nonEmpty, resources, synthWith } from "./harness";

const groups = (access: EnvironmentConfig["access"]) =>
  synthWith((scope) => new ClusterSecurityGroups(scope, "sg", { access, name: "emr-platform-dev", vpcId: "vpc-0123456789abcdef0" }));

const ingress = (parsed: ReturnType<typeof groups>["parsed"]) => resources(parsed, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);

describe("ClusterSecurityGroups", () => {
  test("three EMR-managed groups that revoke rules on delete and leave EMR's own rules alone", () => {
    const { json, parsed } = groups(loadEnvironment("dev").access);
    expect(resources(parsed, "aws_security_group")).toHaveLength(3);
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: "emr-platform-dev-service-access", revoke_rules_on_delete: true });
    for (const [, sg] of nonEmpty(resources(parsed, "aws_security_group"))) expect(sg.lifecycle).toEqual({ ignore_changes: ["ingress", "egress"] });
  });

  test("service access: 9443 from master, 8443 to master and core", () => {
    const { parsed } = groups(loadEnvironment("dev").access);
    const rule9443 = ingress(parsed).find((r) => r.from_port === 9443)!;
    expect(rule9443).toMatchObject({ to_port: 9443, ip_protocol: "tcp", security_group_id: expect.stringContaining("service-access"), referenced_security_group_id: expect.stringContaining("sg_master") });
    const egress8443 = resources(parsed, "aws_vpc_security_group_egress_rule").filter(([, r]) => r.from_port === 8443);
    expect(egress8443).toHaveLength(2);
    expect(ingress(parsed).filter((r) => r.from_port === 8443).map((r) => r.referenced_security_group_id)).toEqual([
      expect.stringContaining("service-access"),
      expect.stringContaining("service-access"),
    ]);
  });

  test("no admin ingress by default: no key pair means no SSH, web UIs stay behind SSH tunnels", () => {
    const { parsed } = groups(loadEnvironment("dev").access);
    expect(ingress(parsed).filter((r) => r.cidr_ipv4 || r.cidr_ipv6)).toEqual([]);
  });

  test("SSH from each admin CIDR when a key pair is configured; web UI ports only when opted in", () => {
    const ssh = groups({ adminCidrs: ["10.0.0.0/8", "2001:db8::/32"], keyPairName: "ops", webUiIngress: false });
    const sshRules = ingress(ssh.parsed).filter((r) => r.from_port === 22);
    expect(sshRules.map((r) => r.cidr_ipv4 ?? r.cidr_ipv6)).toEqual(["10.0.0.0/8", "2001:db8::/32"]);
    const web = groups({ adminCidrs: ["10.0.0.0/8"], webUiIngress: true });
    expect(ingress(web.parsed).filter((r) => r.cidr_ipv4).map((r) => r.from_port).sort()).toEqual([...WEB_UI_PORTS].sort());
  });

  test("no ingress from the internet whatever the config", () => {
    const { parsed } = groups({ adminCidrs: ["10.0.0.0/8"], keyPairName: "ops", webUiIngress: true });
    expect(ingress(parsed).map((r) => r.cidr_ipv4 ?? r.cidr_ipv6)).not.toContain("0.0.0.0/0");
  });
});

function encryption(config: EnvironmentConfig) {
  return synthWith((scope, account) => {
    const storage = new PlatformStorage(scope, "storage", { config, name: `emr-platform-${config.name}`, account });
    new EmrEncryption(scope, "encryption", { config, name: `emr-platform-${config.name}`, key: storage.key, artifacts: storage.artifacts });
  });
}

describe("EmrEncryption", () => {
  const { json, parsed } = encryption(loadEnvironment("dev"));
  const [[, securityConfig]] = resources(parsed, "aws_emr_security_configuration");
  const doc = JSON.parse(securityConfig.configuration);

  test("at rest: S3 SSE-KMS, local disk and EBS encrypted with the platform key", () => {
    expect(doc.EncryptionConfiguration.EnableAtRestEncryption).toBe(true);
    const atRest = doc.EncryptionConfiguration.AtRestEncryptionConfiguration;
    expect(atRest.S3EncryptionConfiguration).toEqual({ EncryptionMode: "SSE-KMS", AwsKmsKey: expect.stringMatching(/aws_kms_key\..*\.arn/) });
    expect(atRest.LocalDiskEncryptionConfiguration).toMatchObject({ EncryptionKeyProviderType: "AwsKms", EnableEbsEncryption: true });
  });

  test("in transit: TLS with a generated PEM zip uploaded to the artifacts bucket (non-prod)", () => {
    expect(doc.EncryptionConfiguration.EnableInTransitEncryption).toBe(true);
    const tls = doc.EncryptionConfiguration.InTransitEncryptionConfiguration.TLSCertificateConfiguration;
    expect(tls).toEqual({ CertificateProviderType: "PEM", S3Object: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.storage_artifacts.*\}\/certificates\/emr-tls-dev\.zip$/) });
    const [[, zip]] = Object.entries((parsed.data as any).archive_file) as [string, any][];
    expect(zip.source.map((s: any) => s.filename)).toEqual(["privateKey.pem", "certificateChain.pem", "trustedCertificates.pem"]);
    expect(resources(parsed, "tls_self_signed_cert")[0][1].dns_names).toEqual(["*.eu-west-1.compute.internal"]);
    expect(doc.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion).toBe(2);
  });

  test("the generated zip is written inside the stack directory and uploaded from there (plan and apply share it)", () => {
    const [[zipId, zip]] = Object.entries((parsed.data as any).archive_file) as [string, any][];
    expect(zip.output_path).toBe("emr-tls-dev.zip"); // relative: terraform -chdir=cdktf.out/stacks/emr-dev
    const [[, object]] = resources(parsed, "aws_s3_object").filter(([id]) => id.includes("certificates"));
    expect(object.source).toBe(`\${data.archive_file.${zipId}.output_path}`);
    expect(object.source_hash).toBe(`\${data.archive_file.${zipId}.output_base64sha256}`);
  });

  test("named by a hash of its content and created before the old one is destroyed", () => {
    expect(securityConfig.name).toMatch(/^emr-platform-dev-[0-9a-f]{12}$/);
    expect(json).toHaveResourceWithProperties(EmrSecurityConfiguration, { lifecycle: { create_before_destroy: true } });
    const again = resources(encryption(loadEnvironment("dev")).parsed, "aws_emr_security_configuration")[0][1];
    expect(again.name).toBe(securityConfig.name);
    const otherCerts = parseEnvironment({ ...environmentInput("dev"), tls: { certificateZipS3Uri: "s3://certs-bucket/emr.zip" } });
    const changed = resources(encryption(otherCerts).parsed, "aws_emr_security_configuration")[0][1];
    expect(changed.name).not.toBe(securityConfig.name);
  });

  test("prod uses its own certificates and generates none", () => {
    const prod = encryption(loadEnvironment("prod"));
    const prodDoc = JSON.parse(resources(prod.parsed, "aws_emr_security_configuration")[0][1].configuration);
    expect(prodDoc.EncryptionConfiguration.InTransitEncryptionConfiguration.TLSCertificateConfiguration.S3Object).toBe("s3://emr-platform-prod-certificates/emr/certs.zip");
    expect(resources(prod.parsed, "tls_private_key")).toHaveLength(0);
  });
});

/** The guard as a mechanism: how violations fail synth, how exemptions are reported, what the report counts. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Aspects, Testing } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { PolicyGuard } from "../../modules/aspects";
import {
  ExemptionError,
  POLICY_RULES,
  formatGuardTotals,
  pathMatches,
  runPolicyGuard,
  type Exemption,
  type StackJson,
} from "../../policy";
import { KEY_ARN, newStack, secureBucket, synthWithGuard } from "./fixtures";

interface ManifestAnnotation {
  constructPath: string;
  level: string;
  message: string;
}

function annotationsOf(outdir: string): ManifestAnnotation[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  return Object.values(manifest.stacks as Record<string, { annotations: ManifestAnnotation[] }>).flatMap((s) => s.annotations);
}

function openSsh(stack: ReturnType<typeof newStack>, id = "sg"): SecurityGroup {
  return new SecurityGroup(stack, id, { ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] });
}

const openSshExemption: Exemption = {
  rule: "no-world-open-ingress",
  path: "t/sg",
  reason: "bastion for the 2026 migration, removed by ticket OPS-42",
};

describe("PolicyGuard aspect", () => {
  it("fails a full synth but not a plain Testing.synth (aspect errors are annotations)", () => {
    const stack = newStack();
    openSsh(stack);
    Aspects.of(stack).add(new PolicyGuard());
    expect(() => Testing.synth(stack)).not.toThrow();
    expect(() => Testing.fullSynth(stack)).toThrow(/Encountered Annotations with level "ERROR"/);
  });

  it("annotates the offending construct and lists every violation in one error", () => {
    const stack = newStack();
    openSsh(stack, "ssh");
    new SnsTopic(stack, "topic", { name: "t" });
    let message = "";
    try {
      synthWithGuard(stack);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[t\/ssh\] \[policy-guard:no-world-open-ingress\] aws_security_group\.ssh: ingress\[0\]/);
    expect(message).toMatch(/\[t\/topic\] \[policy-guard:sns-topic-kms\] aws_sns_topic\.topic: has no kms_master_key_id; fix:/);
  });

  it("passes an exempted finding and reports it as a warning with the reason", () => {
    const stack = newStack();
    openSsh(stack);
    const outdir = synthWithGuard(stack, [openSshExemption]);
    expect(annotationsOf(outdir)).toContainEqual(
      expect.objectContaining({
        constructPath: "t/sg",
        level: "@cdktf/warn",
        message: expect.stringMatching(/policy-guard:no-world-open-ingress.*exempted: bastion for the 2026 migration/),
      }),
    );
  });

  it("warns about an exemption that matches nothing", () => {
    const stack = newStack();
    new SnsTopic(stack, "topic", { name: "t", kmsMasterKeyId: KEY_ARN });
    const outdir = synthWithGuard(stack, [openSshExemption]);
    expect(annotationsOf(outdir)).toContainEqual(
      expect.objectContaining({ level: "@cdktf/warn", message: expect.stringMatching(/exemption no-world-open-ingress at t\/sg matches no finding/) }),
    );
  });

  it("fails if an exemption has no reason", () => {
    expect(() => new PolicyGuard({ exemptions: [{ ...openSshExemption, reason: "  " }] })).toThrow(/exemption without a reason/);
    expect(() => new PolicyGuard({ exemptions: [{ ...openSshExemption, reason: "  " }] })).toThrow(ExemptionError);
  });

  it("fails if an exemption names an unknown rule or no path", () => {
    const unknown = { ...openSshExemption, rule: "no-open-ports" } as unknown as Exemption;
    expect(() => runPolicyGuard({}, { exemptions: [unknown] })).toThrow(/no-open-ports.*unknown rule; fix: one of no-world-open-ingress/);
    expect(() => runPolicyGuard({}, { exemptions: [{ ...openSshExemption, path: "" }] })).toThrow(/empty path/);
  });
});

describe("runPolicyGuard", () => {
  it("counts rules, checked resources, violations and exemptions", () => {
    const stack = newStack();
    openSsh(stack);
    openSsh(stack, "other");
    secureBucket(stack, "data");
    const report = runPolicyGuard(stack.toTerraform() as StackJson, { exemptions: [openSshExemption] });
    expect(report.rules).toBe(POLICY_RULES.length);
    // 2 security groups + bucket + its policy document + its bucket policy (the policy holders the wildcard rule reads)
    expect(report.checked).toBe(5);
    expect(report.violations.map((f) => f.path)).toEqual(["t/other"]);
    expect(report.exempted).toEqual([
      expect.objectContaining({ path: "t/sg", status: "exempted", exemption: openSshExemption.reason }),
    ]);
    expect(formatGuardTotals(report)).toBe(`${POLICY_RULES.length} rules, 1 violation, 1 exempted`);
  });

  it("judges the cdk.tf.json a full synth writes the same way as the stack in memory", () => {
    const stack = newStack();
    openSsh(stack);
    secureBucket(stack, "data");
    const inMemory = runPolicyGuard(stack.toTerraform() as StackJson, { exemptions: [openSshExemption] });
    const outdir = synthWithGuard(stack, [openSshExemption]);
    const onDisk = JSON.parse(readFileSync(join(outdir, "stacks", "t", "cdk.tf.json"), "utf8")) as StackJson;
    expect(runPolicyGuard(onDisk, { exemptions: [openSshExemption] })).toEqual(inMemory);
    expect(inMemory.exempted).toHaveLength(1);
  });

  it("only exempts the rule an exemption names", () => {
    const stack = newStack();
    openSsh(stack);
    const report = runPolicyGuard(stack.toTerraform() as StackJson, {
      exemptions: [{ rule: "sns-topic-kms", path: "t/sg", reason: "wrong rule on purpose" }],
    });
    expect(report.violations).toHaveLength(1);
    expect(report.unusedExemptions).toHaveLength(1);
  });
});

describe("pathMatches", () => {
  it("matches one segment with * and any depth with **", () => {
    expect(pathMatches("emr-*/storage/logs", "emr-dev/storage/logs")).toBe(true);
    expect(pathMatches("emr-*/storage/logs", "emr-dev/storage/logs/bucket")).toBe(false);
    expect(pathMatches("emr-*/storage/**", "emr-prod/storage/logs/bucket")).toBe(true);
    expect(pathMatches("emr-dev/storage/*", "emr-dev/storage/logs/bucket")).toBe(false);
    expect(pathMatches("emr-dev/a.b", "emr-dev/aXb")).toBe(false);
  });
});

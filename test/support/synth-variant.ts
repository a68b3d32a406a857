/**
 * A synth entry point like main.ts for child-process tests: `tsx test/support/synth-variant.ts <case>` synthesizes
 * dev through the same `synthesize()` with one fault (output under $CDKTF_OUTDIR):
 * - `open-ingress`: a rule opening SSH to the internet, added after validation, so only the policy guard catches it;
 * - `config <json>`: dev's input with the JSON merged over it, so the schema and its checks judge it.
 */
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { environmentInput, parseEnvironment } from "../../environments";
import { EmrPlatformStack } from "../../modules/platform-stack";
import { synthesize } from "../../modules/synthesize";

const [kind, json] = process.argv.slice(2);

process.exitCode = synthesize((app) => {
  const input = kind === "config" ? { ...environmentInput("dev"), ...(JSON.parse(json ?? "{}") as object) } : environmentInput("dev");
  const stack = new EmrPlatformStack(app, "emr-dev", parseEnvironment(input, "environments/dev.ts (variant)"));
  if (kind === "open-ingress") {
    new VpcSecurityGroupIngressRule(stack, "open-ssh", {
      securityGroupId: stack.securityGroups.master.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
    });
  }
});

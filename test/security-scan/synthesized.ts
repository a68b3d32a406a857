/**
 * One environment synthesized exactly as `npm run synth` writes it (cdktf metadata included; the policy guard runs and
 * throws on a violation). `file` is where it was written; the directory is removed again, so write the JSON yourself
 * where a test needs it on disk.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { App } from "cdktf";
import { loadEnvironment } from "../../environments";
import type { StackJson } from "../../policy";
import { stackId } from "../../contracts/stack-outputs";
import { EmrPlatformStack } from "../../modules/platform-stack";
import type { ScannedStack } from "../../scripts/security-scan/judge";

export function synthesizeEnvironment(name: string): ScannedStack {
  const outdir = mkdtempSync(path.join(tmpdir(), "emr-scan-test-"));
  const app = new App({ outdir });
  new EmrPlatformStack(app, stackId(name), loadEnvironment(name));
  app.synth();
  const file = path.join(outdir, "stacks", stackId(name), "cdk.tf.json");
  try {
    return { id: stackId(name), file, json: JSON.parse(readFileSync(file, "utf8")) as StackJson };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

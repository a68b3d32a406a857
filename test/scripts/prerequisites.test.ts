// Prerequisites against moto's STS (GetCallerIdentity answers account 123456789012), plus the checks that need no AWS.
import { STSClient } from "@aws-sdk/client-sts";
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { environmentInput, parseEnvironment } from "../../environments";
import { callerIdentity, checkAccount, checkNodeVersion, regionNote } from "../../scripts/lib/prerequisites";
import { motoEnvironment, REPO_ROOT, useMoto } from "../support/moto-server";

const moto = useMoto();
const run = promisify(execFile);
const withAccount = (accountId?: string) => parseEnvironment({ ...environmentInput("dev"), ...(accountId ? { accountId } : {}) });

describe("AWS identity", () => {
  it("reads the caller through STS GetCallerIdentity", async () => {
    const identity = await callerIdentity(new STSClient({ region: "us-east-1" }));
    expect(identity).toEqual({ account: "123456789012", arn: "arn:aws:sts::123456789012:user/moto" });
  });

  it("accepts credentials of the environment's account", async () => {
    const identity = await callerIdentity(new STSClient({ region: "us-east-1" }));
    expect(checkAccount(withAccount("123456789012"), identity)).toBe("aws arn:aws:sts::123456789012:user/moto");
  });

  it("fails if the credentials belong to another account", async () => {
    const identity = await callerIdentity(new STSClient({ region: "us-east-1" }));
    expect(() => checkAccount(withAccount("111122223333"), identity)).toThrow(
      "the AWS credentials belong to account 123456789012 (arn:aws:sts::123456789012:user/moto), but dev lives in account 111122223333; fix: switch AWS_PROFILE to dev's account",
    );
  });

  it("says so when the environment declares no account to check", async () => {
    const identity = await callerIdentity(new STSClient({ region: "us-east-1" }));
    expect(checkAccount(withAccount(), identity)).toBe("aws arn:aws:sts::123456789012:user/moto (no accountId in the environment: account not checked)");
  });
});

describe("local checks", () => {
  it("accepts Node.js 20.9 and newer", () => {
    expect(checkNodeVersion("v20.9.0")).toBe("node 20.9.0");
    expect(checkNodeVersion("v22.11.0")).toBe("node 22.11.0");
  });

  it("fails if Node.js is older than 20.9", () => {
    expect(() => checkNodeVersion("v20.8.1")).toThrow(/Node\.js 20\.8\.1 is too old/);
  });

  it("warns when AWS_REGION points elsewhere than the environment", () => {
    expect(regionNote(withAccount(), { AWS_REGION: "us-east-1" })).toEqual({
      line: "region eu-west-1",
      warning: "AWS_REGION is us-east-1, but dev lives in eu-west-1; this CLI uses eu-west-1",
    });
    expect(regionNote(withAccount(), { AWS_DEFAULT_REGION: "eu-west-1" }).warning).toBeUndefined();
  });
});

describe("the CLI as a process", () => {
  function stubTerraform(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "tf-"));
    const bin = path.join(dir, "terraform");
    writeFileSync(bin, `#!/bin/sh\necho '{"terraform_version":"1.10.5"}'\n`);
    chmodSync(bin, 0o755);
    return bin;
  }

  it("fails with one line, no stack trace, when no AWS credentials can be found", async () => {
    // A real process with no credentials anywhere: no env keys, no config files, no instance metadata. The endpoint
    // stays on loopback in case anything slipped through.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: mkdtempSync(path.join(tmpdir(), "home-")), ...motoEnvironment(moto().endpoint) };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const result = await run(process.execPath, ["scripts/bin/emr.cjs", "deploy", "dev", "--terraform-bin", stubTerraform()], { cwd: REPO_ROOT, env }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect((result as { code: number }).code).toBe(1);
    expect(result.stderr).toBe("error: no AWS credentials found; fix: set AWS_PROFILE (then `aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY\n");
    expect(result.stdout).toMatch(/^\[1\/8\] prerequisites …\n {2}node \d+\.\d+\.\d+\n {2}.*terraform 1\.10\.5\n\[1\/8\] prerequisites … failed after [\d.]+s\n$/);
  }, 30_000);
});

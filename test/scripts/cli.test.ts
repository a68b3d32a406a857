// The command line itself: help that matches the commands, parse errors, error translation, and the bin shim.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { describeError } from "../../scripts/lib/errors";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { REPO_ROOT } from "../support/moto-server";

const exec = promisify(execFile);
const COMMANDS = ["deploy", "plan", "upload", "test", "submit", "steps", "logs", "runs", "info", "tables", "query", "destroy", "bootstrap"];

describe("help", () => {
  it("lists every command and documents the exit codes", async () => {
    const run = await runCaptured(["--help"], tempRepo().root);
    expect(run.code).toBe(0);
    const listed = [...run.stdout.matchAll(/^ {2}(\w+) (?:\[options\] )?</gm)].map((m) => m[1]);
    expect(listed).toEqual(COMMANDS);
    expect(run.stdout).toContain("  2    plan: the plan has changes (like terraform plan -detailed-exitcode)");
    expect(run.stdout).toContain("  130  interrupted (Ctrl-C)");
  });

  it.each([
    ["deploy", ["--plan-only", "--skip-test", "--job <job>", "--timeout <minutes>", "--step-timeout <minutes>", "--terraform-bin <path>", "--cluster-id <id>"]],
    ["upload", ["--artifacts-bucket <name>", "--concurrency <n>", "--part-size <MiB>", "--jobs-dir <dir>"]],
    ["submit", ["<env> <job> [jobArgs...]", "--action-on-failure <action>", "--wait", "--serverless"]],
    ["runs", ["<env>", "--limit <n>", "--state <state>", "FAILED"]],
    ["info", ["--json", "--cluster-id <id>"]],
    ["tables", ["<env>", "--json"]],
    ["query", ["<env> <sql>", "--output <format>", 'choices: "table", "csv", "json"', "--timeout <seconds>"]],
    ["destroy", ["--yes", "--force"]],
    ["logs", ["<id>", "job run id", "--stream <stream>", "--tail <lines>"]],
    ["stream", ["start [options] <env>", "status [options] <env>", "stop [options] <env>", "put [options] <env>", "KINESIS"]],
  ])("%s --help shows its arguments and options", async (command, expected) => {
    const run = await runCaptured([command, "--help"], tempRepo().root);
    expect(run.code).toBe(0);
    for (const text of expected) expect(run.stdout).toContain(text);
    expect(run.stdout).toContain("Exit codes:");
  });
});

describe("parse errors", () => {
  it("fails on an unknown environment with the valid names", async () => {
    const run = await runCaptured(["info", "qa"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: unknown environment "qa"; fix: use one of dev, staging, prod, local\n');
  });

  it("fails on an unknown command", async () => {
    const run = await runCaptured(["launch", "dev"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: unknown command 'launch'");
  });

  it("fails when the environment argument is missing", async () => {
    const run = await runCaptured(["info"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: missing required argument 'env'");
  });
});

describe("describeError", () => {
  it.each([
    [Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), /^no AWS credentials found; fix: /],
    [Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredToken", $metadata: {} }), /^the AWS credentials have expired; fix: /],
    [Object.assign(new Error("not authorized to perform: elasticmapreduce:DescribeCluster"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }), /^AWS denied the request \(AccessDeniedException\): not authorized/],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5000"), { code: "ECONNREFUSED" }), /^cannot reach the AWS endpoint \(connect ECONNREFUSED 127\.0\.0\.1:5000\); fix: /],
    [Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { httpStatusCode: 400 } }), /^AWS kept throttling the requests \(ThrottlingException: Rate exceeded\); fix: wait a minute and rerun/],
    [new TypeError("x is not a function"), /^unexpected error: x is not a function \(rerun with --debug for the stack trace\)$/],
  ])("translates %p into one line", (err, expected) => {
    const line = describeError(err);
    expect(line).toMatch(expected);
    expect(line).not.toContain("\n");
  });

  it("adds the stack trace only with --debug", () => {
    const text = describeError(new TypeError("x is not a function"), true);
    expect(text.split("\n")[0]).toBe("unexpected error: x is not a function");
    expect(text).toMatch(/\n\s+at /);
  });
});

describe("as a process", () => {
  it("runs through the package bin (scripts/bin/emr.cjs)", async () => {
    const { stdout } = await exec(process.execPath, ["scripts/bin/emr.cjs", "--help"], { cwd: REPO_ROOT });
    expect(stdout).toMatch(/^Usage: emr \[options\] \[command\]/);
  }, 30_000);

  it("exits 0 without a stack trace when its reader has gone (… --help | head -1)", async () => {
    const child = spawn(process.execPath, ["scripts/bin/emr.cjs", "deploy", "--help"], { cwd: REPO_ROOT });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    child.stdout.destroy(); // the pipe's reader is gone before the help is written, as `| head` can be
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  }, 30_000);

  it("exits 1 with one line on stderr for bad input", async () => {
    const error = await exec(process.execPath, ["scripts/bin/emr.cjs", "info", "qa"], { cwd: REPO_ROOT }).catch((e) => e);
    expect(error.code).toBe(1);
    expect(error.stderr).toBe('error: unknown environment "qa"; fix: use one of dev, staging, prod, local\n');
  }, 30_000);
});

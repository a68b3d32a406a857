// The real execa runner, run for real once: `node` as the child, no terraform needed.
import { ExecaRunner } from "../../scripts/lib/process-runner";

describe("ExecaRunner", () => {
  const runner = new ExecaRunner();

  it("passes argv verbatim (no shell), captures stdout/stderr and the exit code", async () => {
    const result = await runner.run(process.execPath, ["-e", "console.log(JSON.stringify(process.argv.slice(1))); console.error('to stderr'); process.exit(3)", "a b", "$HOME", "'quoted'"]);
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual(["a b", "$HOME", "'quoted'"]);
    expect(result.stderr).toBe("to stderr\n");
  });

  it("adds env to the inherited environment and runs in cwd", async () => {
    const result = await runner.run(process.execPath, ["-e", "console.log(process.env.TF_IN_AUTOMATION, process.env.PATH === undefined, process.cwd())"], {
      env: { TF_IN_AUTOMATION: "1" },
      cwd: "/tmp",
    });
    expect(result.stdout.trim()).toBe("1 false /tmp");
  });

  it("fails if the binary does not exist, with a message instead of ENOENT", async () => {
    await expect(runner.run("/nonexistent/terraform", ["version"])).rejects.toThrow("/nonexistent/terraform not found; fix: install it or put it on PATH");
  });
});

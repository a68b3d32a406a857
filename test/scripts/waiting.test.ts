// Waiting for clusters and steps. moto's clusters jump straight to WAITING and its steps never finish, so these
// tests drive the same code with recorded DescribeCluster/DescribeStep responses (test/support/recorded-emr.ts).
import { classifyCluster, requireRunning, waitForCluster } from "../../scripts/lib/cluster";
import { mapLimit } from "../../scripts/lib/concurrency";
import { Interrupted, WaitTimeout } from "../../scripts/lib/errors";
import { formatDuration, Reporter } from "../../scripts/lib/output";
import { classifyStep, newRunId, stepDurationMs, waitForStep } from "../../scripts/lib/steps";
import { captureSink } from "../support/cli-harness";
import { clusterIn, FAILED_STEP, recordedEmr, stepIn, TERMINATED_WITH_ERRORS } from "../support/recorded-emr";

function reporter(interactive = false) {
  const stdout = captureSink(interactive);
  return { stdout, reporter: new Reporter(stdout, captureSink(), { interactive }) };
}

const fast = { timeoutMs: 10_000, initialDelayMs: 1, maxDelayMs: 2, resumeHint: "Resume: npm run deploy -- dev" };

describe("waitForCluster", () => {
  it("polls through STARTING and BOOTSTRAPPING until WAITING, printing each state once", async () => {
    const emr = recordedEmr({ DescribeClusterCommand: [clusterIn("STARTING"), clusterIn("STARTING"), clusterIn("BOOTSTRAPPING"), clusterIn("WAITING")] });
    const { stdout, reporter: out } = reporter();
    const cluster = await waitForCluster(emr.client, "j-2AXXXXXXGAPLF", { ...fast, reporter: out });
    expect(cluster.Status?.State).toBe("WAITING");
    expect(emr.calls.map((c) => c.command)).toEqual(Array(4).fill("DescribeClusterCommand"));
    expect(emr.calls[0].input).toEqual({ ClusterId: "j-2AXXXXXXGAPLF" });
    const states = stdout.text().replace(/\n$/, "").split("\n").map((l) => l.replace(/ · .*$/, ""));
    expect(states).toEqual(["  cluster j-2AXXXXXXGAPLF: STARTING", "  cluster j-2AXXXXXXGAPLF: BOOTSTRAPPING", "  cluster j-2AXXXXXXGAPLF: WAITING"]);
  });

  it("rewrites one status line on a terminal", async () => {
    const emr = recordedEmr({ DescribeClusterCommand: [clusterIn("STARTING"), clusterIn("RUNNING")] });
    const { stdout, reporter: out } = reporter(true);
    await waitForCluster(emr.client, "j-1", { ...fast, reporter: out });
    expect(stdout.text().match(/\r\x1b\[2K/g)).toHaveLength(2);
    expect(stdout.text().endsWith("\n")).toBe(true);
  });

  it("fails fast on TERMINATED_WITH_ERRORS with the StateChangeReason", async () => {
    const emr = recordedEmr({ DescribeClusterCommand: [clusterIn("STARTING"), TERMINATED_WITH_ERRORS] });
    await expect(waitForCluster(emr.client, "j-2AXXXXXXGAPLF", { ...fast, reporter: reporter().reporter })).rejects.toThrow(
      "cluster j-2AXXXXXXGAPLF is TERMINATED_WITH_ERRORS: BOOTSTRAP_FAILURE: On the master instance (i-0123456789abcdef0), bootstrap action 1 returned a non-zero return code",
    );
    expect(emr.calls).toHaveLength(2);
  });

  it("fails fast on TERMINATING", async () => {
    const terminating = clusterIn("TERMINATING", { Status: { State: "TERMINATING", StateChangeReason: { Code: "USER_REQUEST", Message: "Terminated by user request" } } });
    const emr = recordedEmr({ DescribeClusterCommand: [terminating] });
    await expect(waitForCluster(emr.client, "j-1", { ...fast, reporter: reporter().reporter })).rejects.toThrow(/is TERMINATING: USER_REQUEST: Terminated by user request/);
  });

  it("fails if the timeout passes, saying the cluster keeps starting and how to resume", async () => {
    const emr = recordedEmr({ DescribeClusterCommand: [clusterIn("STARTING")] });
    const error = await waitForCluster(emr.client, "j-1", { ...fast, timeoutMs: 20, reporter: reporter().reporter }).catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeout);
    expect(error.message).toMatch(/^timed out after 0s waiting for cluster j-1 to be ready; it keeps starting in AWS\. Resume: npm run deploy -- dev$/);
  });

  it("stops on Ctrl-C with exit code 130 and the resume hint, changing nothing", async () => {
    const abort = new AbortController();
    const emr = recordedEmr({
      DescribeClusterCommand: () => {
        abort.abort();
        return clusterIn("STARTING");
      },
    });
    const error = await waitForCluster(emr.client, "j-1", { ...fast, signal: abort.signal, reporter: reporter().reporter }).catch((e) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.exitCode).toBe(130);
    expect(error.message).toBe("interrupted while waiting for cluster j-1; nothing was stopped or rolled back. Resume: npm run deploy -- dev");
    expect(emr.calls.map((c) => c.command)).toEqual(["DescribeClusterCommand"]);
  });
});

describe("cluster states", () => {
  it.each([
    ["WAITING", "ready"],
    ["RUNNING", "ready"],
    ["STARTING", "pending"],
    ["BOOTSTRAPPING", "pending"],
    ["TERMINATED", "failed"],
  ] as const)("classifies %s as %s", (state, kind) => {
    expect(classifyCluster(clusterIn(state).Cluster).kind).toBe(kind);
  });

  it("fails if a step needs a cluster that is not running", () => {
    expect(() => requireRunning(TERMINATED_WITH_ERRORS.Cluster, "dev")).toThrow(
      /cluster j-2AXXXXXXGAPLF is TERMINATED_WITH_ERRORS, not running \(BOOTSTRAP_FAILURE: .*\); fix: redeploy with npm run deploy -- dev/,
    );
    expect(() => requireRunning(clusterIn("STARTING").Cluster, "dev")).toThrow(/is STARTING, not running; fix: wait until it is WAITING/);
  });
});

describe("steps", () => {
  it("waits until COMPLETED", async () => {
    const emr = recordedEmr({ DescribeStepCommand: [stepIn("PENDING"), stepIn("RUNNING"), stepIn("COMPLETED")] });
    const step = await waitForStep(emr.client, "j-1", "s-3RXXXXXXXXXXX", { ...fast, reporter: reporter().reporter });
    expect(step.Status?.State).toBe("COMPLETED");
    expect(emr.calls[0].input).toEqual({ ClusterId: "j-1", StepId: "s-3RXXXXXXXXXXX" });
    expect(classifyStep(step)).toEqual({ kind: "completed" });
  });

  it("returns a FAILED step with its FailureDetails as the message", async () => {
    const emr = recordedEmr({ DescribeStepCommand: [stepIn("RUNNING"), FAILED_STEP] });
    const step = await waitForStep(emr.client, "j-1", "s-3RXXXXXXXXXXX", { ...fast, reporter: reporter().reporter });
    expect(classifyStep(step)).toEqual({
      kind: "failed",
      message:
        'step s-3RXXXXXXXXXXX (test smoke_test 20260101T000000Z-abcd) is FAILED: Unknown Error.: Exception in thread "main" org.apache.spark.SparkException: Application application_1_0001 finished with failed status',
    });
  });

  it("treats CANCELLED and INTERRUPTED as failures", () => {
    expect(classifyStep(stepIn("CANCELLED").Step).kind).toBe("failed");
    expect(classifyStep(stepIn("INTERRUPTED").Step).kind).toBe("failed");
  });

  it("fails if the step outlives the timeout, saying it keeps running", async () => {
    const emr = recordedEmr({ DescribeStepCommand: [stepIn("RUNNING")] });
    await expect(waitForStep(emr.client, "j-1", "s-1", { ...fast, timeoutMs: 10, reporter: reporter().reporter })).rejects.toThrow(
      /timed out after 0s waiting for step s-1; it keeps running on j-1/,
    );
  });

  it("measures duration from start to end", () => {
    expect(stepDurationMs(FAILED_STEP.Step, Date.now())).toBe(40_000);
    expect(stepDurationMs({ Status: { Timeline: {} } }, Date.now())).toBeUndefined();
  });

  it("makes sortable run ids", () => {
    expect(newRunId(new Date("2026-03-04T05:06:07.890Z"), () => 0.5)).toBe("20260304T050607Z-8000");
  });
});

describe("formatDuration", () => {
  it.each([
    [1234, "1.2s"],
    [59_949, "59.9s"],
    [65_000, "1m 05s"],
    [3_720_000, "1h 02m"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("mapLimit", () => {
  it("never runs more than the limit at once and keeps the input order", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });

  it("fails if the limit is not a positive integer", async () => {
    await expect(mapLimit([1], 0, async (n) => n)).rejects.toThrow(/concurrency limit must be a positive integer/);
  });
});

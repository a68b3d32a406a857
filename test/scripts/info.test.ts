// `info` against moto's server: the real SDK, real requests. Managed scaling (missing in moto) on a recorded response.
import { EMRClient } from "@aws-sdk/client-emr";
import { environmentInput, parseEnvironment } from "../../environments";
import { buildClusterInfo, renderClusterInfo, scalingInfo, tunnels } from "../../scripts/commands/info";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createCluster } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";
import { clusterIn, MANAGED_SCALING } from "../support/recorded-emr";
import { outputJson, RecordingRunner } from "../support/recording-runner";

const moto = useMoto();
const emr = () => new EMRClient({ region: "us-east-1" });

beforeEach(async () => {
  await moto().reset();
});

describe("info against moto", () => {
  it("finds the local cluster through the EMR API when no state is readable and prints everything", async () => {
    const id = await createCluster(emr(), { environment: "local", keyName: "ops-key", withAutoscaling: true });
    await createCluster(emr(), { environment: "local", name: "someone-elses-cluster" });
    const { root } = tempRepo();
    const run = await runCaptured(["info", "local"], root);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`local (us-east-1) — cluster found through EMR API (the stack is not synthesized (no cdktf.out/stacks/emr-local/cdk.tf.json))`);
    expect(out).toContain(`  cluster          ${id} emr-platform-local`);
    expect(out).toContain("  state            WAITING");
    expect(out).toContain("  release          emr-7.12.0");
    expect(out).toContain("  applications     Hadoop, Spark, Livy, Zeppelin");
    expect(out).toContain("  scaling          custom 0–4 (task group task)");
    expect(out).toContain("  security config  emr-platform-sc-abc123");
    expect(out).toContain("  log URI          s3://emr-platform-logs/emr/");
    expect(out).toMatch(/MASTER\s+master\s+m5\.xlarge\s+ON_DEMAND\s+1\/1/);
    expect(out).toMatch(/CORE\s+core\s+m5\.xlarge\s+ON_DEMAND\s+2\/2/);
    expect(out).toMatch(/TASK\s+task\s+m5\.xlarge\s+SPOT\s+0\/0/);
    expect(out).toContain("    data           (unknown: no Terraform outputs)");
    expect(out).toMatch(/YARN ResourceManager\s+http:\/\/localhost:8088\/\s+ssh -i ~\/\.ssh\/ops-key\.pem -N -L 8088:localhost:8088 hadoop@ec2-/);
    expect(out).toContain("-L 18080:localhost:18080");
    expect(out).toContain("-L 8890:localhost:8890");
    expect(out).toContain("-L 9870:localhost:9870");
    expect(out).toContain(`  console          https://us-east-1.console.aws.amazon.com/emr/home?region=us-east-1#/clusterDetails/${id}`);
  });

  it("reads the cluster and buckets from Terraform outputs, with --json for scripts", async () => {
    const id = await createCluster(emr(), { environment: "local" });
    const { root, terraformBin } = tempRepo({ stacks: ["local"] });
    const runner = new RecordingRunner((call) =>
      call.args.includes("output")
        ? { stdout: outputJson({ cluster_id: id, data_bucket: "emr-local-data", artifacts_bucket: "emr-local-artifacts", logs_bucket: "emr-local-logs", jobs_prefix: "jobs/", raw_prefix: "raw/", processed_prefix: "processed/", rejected_prefix: "rejected/" }) }
        : undefined,
    );
    const run = await runCaptured(["info", "local", "--json", "--terraform-bin", terraformBin], root, { runner });
    expect(run.code).toBe(0);
    expect(runner.argvOf(terraformBin)).toEqual([["-chdir=cdktf.out/stacks/emr-local", "output", "-json"]]);
    const info = JSON.parse(run.stdout);
    expect(info).toMatchObject({
      environment: "local",
      region: "us-east-1",
      foundVia: "terraform outputs",
      cluster: { id, name: "emr-platform-local", state: "WAITING", releaseLabel: "emr-7.12.0", terminationProtected: false, scaling: { kind: "none" } },
      storage: {
        dataBucket: "emr-local-data",
        raw: "s3://emr-local-data/raw/",
        processed: "s3://emr-local-data/processed/",
        rejected: "s3://emr-local-data/rejected/",
        artifactsBucket: "emr-local-artifacts",
        jobs: "s3://emr-local-artifacts/jobs/",
        logsBucket: "emr-local-logs",
      },
      consoleUrl: `https://us-east-1.console.aws.amazon.com/emr/home?region=us-east-1#/clusterDetails/${id}`,
    });
    expect(info.tunnels.map((t: { port: number }) => t.port)).toEqual([8088, 18080, 8890, 9870]);
    expect(info.cluster.nodeGroups.map((g: { role: string }) => g.role)).toEqual(["MASTER", "CORE", "TASK"]);
  });

  it("uses --cluster-id over the outputs and the name lookup", async () => {
    const a = await createCluster(emr(), { environment: "local" });
    const b = await createCluster(emr(), { environment: "local", name: "hand-made" });
    const run = await runCaptured(["info", "local", "--json", "--cluster-id", b], tempRepo().root);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).cluster.id).toBe(b);
    expect(JSON.parse(run.stdout).cluster.id).not.toBe(a);
  });

  it("fails if no active cluster carries the environment's name and tag", async () => {
    await createCluster(emr(), { environment: "dev", name: "emr-platform-local" });
    const run = await runCaptured(["info", "local"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error: no cluster found for local: the stack is not synthesized (no cdktf.out/stacks/emr-local/cdk.tf.json), and no active cluster named emr-platform-local (tag Environment=local) in us-east-1; fix: npm run deploy -- local, or pass --cluster-id\n",
    );
  });

  it("fails if two active clusters match, asking for --cluster-id", async () => {
    await createCluster(emr(), { environment: "local" });
    await createCluster(emr(), { environment: "local" });
    const run = await runCaptured(["info", "local"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: 2 active clusters are named emr-platform-local and tagged Environment=local \(j-\w+, j-\w+\); fix: pick one with --cluster-id\n$/);
  });

  it("fails if --cluster-id names a cluster that does not exist", async () => {
    const run = await runCaptured(["info", "local", "--cluster-id", "j-DOESNOTEXIST"], tempRepo().root);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("error: cluster j-DOESNOTEXIST does not exist in this account/region; fix: check --cluster-id or the environment\n");
  });
});

describe("info on recorded responses", () => {
  it("shows managed scaling limits from GetManagedScalingPolicy (moto lacks the API)", () => {
    expect(scalingInfo([], MANAGED_SCALING.ManagedScalingPolicy as never)).toEqual({ kind: "managed", min: 4, max: 20, detail: "instances" });
  });

  it("renders a prod-like cluster with managed scaling and protection", () => {
    const prod = parseEnvironment(environmentInput("prod"));
    const info = buildClusterInfo({
      config: prod,
      cluster: clusterIn("RUNNING", { TerminationProtected: true, MasterPublicDnsName: "ip-10-42-1-10.eu-west-1.compute.internal" }).Cluster,
      groups: [],
      fleets: [],
      managed: MANAGED_SCALING.ManagedScalingPolicy as never,
      outputs: { dataBucket: "emr-prod-data" },
      foundVia: "terraform outputs",
    });
    const text = renderClusterInfo(info).join("\n");
    expect(text).toContain("  scaling          managed 4–20 (instances)");
    expect(text).toContain("  protection       termination protection ON");
    expect(text).toContain("ssh -i <your-key.pem> -N -L 8088:localhost:8088 hadoop@ip-10-42-1-10.eu-west-1.compute.internal");
    expect(text).toContain("    data           s3://emr-prod-data/raw/ (raw)");
  });

  it("offers tunnels only for installed applications and none without a master DNS name", () => {
    expect(tunnels("m", "k", ["Hadoop"]).map((t) => t.port)).toEqual([8088, 9870]);
    expect(tunnels(undefined, "k", ["Hadoop", "Spark"])).toEqual([]);
  });
});

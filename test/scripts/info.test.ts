// `info` against moto's server: the real SDK, real requests. Managed scaling (missing in moto) on a recorded response.
import { EMRClient } from "@aws-sdk/client-emr";
import { environmentInput, parseEnvironment } from "../../environments";
import { buildClusterInfo, fetchClusterInfo, renderClusterInfo, scalingInfo, tunnels } from "../../scripts/commands/info";
import { runCaptured, tempRepo } from "../support/cli-harness";
import { createCluster } from "../support/emr-fixture";
import { useMoto } from "../support/moto-server";
import { clusterIn, FLEET_INSTANCES_PAGES, INSTANCE_FLEETS, MANAGED_SCALING, MANAGED_SCALING_UNITS, recordedEmr } from "../support/recorded-emr";
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

describe("info on a fleets cluster (recorded responses: moto's ListInstanceFleets answers HTTP 500)", () => {
  const prod = parseEnvironment(environmentInput("prod"));
  const described = clusterIn("WAITING", { Name: "emr-platform-prod", InstanceCollectionType: "INSTANCE_FLEET", TerminationProtected: true }).Cluster;

  async function fetched() {
    const emr = recordedEmr({
      ListInstanceFleetsCommand: [INSTANCE_FLEETS],
      ListInstancesCommand: (input) => (input.Marker === "page-2" ? FLEET_INSTANCES_PAGES[1] : FLEET_INSTANCES_PAGES[0]),
      GetManagedScalingPolicyCommand: [MANAGED_SCALING_UNITS],
    });
    const info = await fetchClusterInfo(emr.client, prod, described.Id!, { dataBucket: "emr-prod-data" }, "terraform outputs", described);
    return { info, calls: emr.calls };
  }

  it("asks for fleets and every page of instances, never for instance groups", async () => {
    const { calls } = await fetched();
    const names = calls.map((c) => c.command).sort();
    expect(names).toEqual(["GetManagedScalingPolicyCommand", "ListInstanceFleetsCommand", "ListInstancesCommand", "ListInstancesCommand"]);
    expect(calls.filter((c) => c.command === "ListInstancesCommand").map((c) => c.input.Marker)).toEqual([undefined, "page-2"]);
  });

  it("shows per fleet the units provisioned and targeted per market, the allocation strategies and the types provisioned", async () => {
    const { info } = await fetched();
    expect(info.cluster.shape).toBe("fleets");
    expect(info.cluster.nodeGroups).toEqual([]);
    expect(info.cluster.fleets.map((f) => [f.role, f.onDemandUnits, f.spotUnits])).toEqual([
      ["MASTER", { target: 1, provisioned: 1 }, { target: 0, provisioned: 0 }],
      ["CORE", { target: 4, provisioned: 4 }, { target: 0, provisioned: 0 }],
      ["TASK", { target: 0, provisioned: 0 }, { target: 6, provisioned: 6 }],
    ]);
    const task = info.cluster.fleets[2];
    expect(task).toMatchObject({ spotAllocationStrategy: "price-capacity-optimized", onDemandAllocationStrategy: "lowest-price", spotTimeout: "SWITCH_TO_ON_DEMAND after 10 min" });
    expect(task.provisioned).toEqual([
      { instanceType: "r5.2xlarge", market: "SPOT", count: 2 },
      { instanceType: "r6i.4xlarge", market: "SPOT", count: 2 },
    ]);
    expect(info.cluster.scaling).toEqual({ kind: "managed", min: 4, max: 20, detail: "units" });
  });

  it("renders the fleets instead of the instance-groups table", async () => {
    const text = renderClusterInfo((await fetched()).info).join("\n");
    expect(text).toContain("  scaling          managed 4–20 (units)");
    expect(text).toContain("  instance fleets (units provisioned/target)");
    expect(text).toMatch(/TASK\s+task\s+RUNNING\s+0\/0\s+6\/6\s+on-demand lowest-price, spot price-capacity-optimized, timeout SWITCH_TO_ON_DEMAND after 10 min/);
    expect(text).toContain("    CORE   3× r6i.2xlarge on-demand, 1× r5.2xlarge on-demand (offered: r6i.2xlarge×1, r5.2xlarge×1)");
    expect(text).toContain("    TASK   2× r5.2xlarge spot, 2× r6i.4xlarge spot (offered: r6i.2xlarge×1, r5.2xlarge×1, r6i.4xlarge×2)");
    expect(text).not.toContain("  instance groups");
  });

  it("a groups cluster's info has no fleets section", () => {
    const info = buildClusterInfo({ config: prod, cluster: clusterIn("RUNNING").Cluster, groups: [], fleets: [], outputs: {}, foundVia: "terraform outputs" });
    expect(info.cluster.shape).toBe("groups");
    expect(renderClusterInfo(info).join("\n")).not.toContain("instance fleets");
  });
});

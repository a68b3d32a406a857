/** The named config checks (environments/checks.ts): each rule refuses what used to pass synth and fail at apply. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, environmentInput, parseEnvironment, type EnvironmentInput } from "../../environments";
import { CONFIG_CHECKS, bucketNameProblem, maxProjectLength } from "../../environments/checks";
import { instanceTypesIn } from "../../environments/instance-types";
import { rulesList, withReference } from "../../scripts/docs/config-reference";
import { nonEmpty } from "../modules/harness";
import { prodOnGroupsInput } from "../support/prod-on-groups";

const dev = () => environmentInput("dev");
const prod = () => environmentInput("prod");
/** prod's posture on instance groups, for the group rules (prod itself runs fleets). */
const prodGroups = () => prodOnGroupsInput();

/** The problems (one line each) of a config expected to be refused. */
function problems(input: unknown): string[] {
  try {
    parseEnvironment(input, "test");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error("expected the config to be refused");
}

/** The problems about one field path (`path = …`). */
const about = (input: unknown, path: string) => problems(input).filter((p) => p.startsWith(`${path} = `));

const withAccess = (access: EnvironmentInput["access"]): EnvironmentInput => ({ ...dev(), access });

describe("prod termination protection", () => {
  test("fails if prod turns it off", () => {
    expect(about({ ...prod(), terminationProtection: false }, "terminationProtection")).toEqual([
      "terminationProtection = false: prod must refuse API termination; fix: terminationProtection: true",
    ]);
  });

  test("fails if prod leaves the line out (the default is off)", () => {
    const input = prod();
    delete input.terminationProtection;
    expect(about(input, "terminationProtection")).toHaveLength(1);
  });

  test("other environments may leave it off", () => {
    expect(parseEnvironment({ ...dev(), terminationProtection: false }).terminationProtection).toBe(false);
  });
});

describe("network.vpcCidr", () => {
  const vpc = (vpcCidr: string): EnvironmentInput => ({ ...dev(), network: { mode: "create", vpcCidr } });

  test.each([
    ["fd00::/48", /a VPC's primary block is IPv4/],
    ["10.0.0.0/8", /\/8 is outside \/16–\/24/],
    ["10.40.0.0/28", /\/28 is outside \/16–\/24/],
    ["10.40.0.0/25", /\/25 is outside \/16–\/24/],
    ["10.40.1.0/16", /has host bits set .*fix: 10\.40\.0\.0\/16/],
    ["10.40.0.0", /not a CIDR block/],
  ])("fails if it is %s", (cidr, message) => {
    const found = about(vpc(cidr), "network.vpcCidr");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
    expect(found[0]).toMatch(/fix:/);
  });

  test.each(["10.40.0.0/16", "172.16.8.0/24", "192.168.0.0/20"])("accepts %s", (cidr) => {
    expect(parseEnvironment(vpc(cidr)).network).toMatchObject({ vpcCidr: cidr });
  });
});

describe("access.adminCidrs", () => {
  test("fails if two halves add up to the whole internet", () => {
    const found = about(withAccess({ adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }), "access.adminCidrs.0");
    expect(found).toEqual([expect.stringMatching(/\/1 opens the cluster to 2,147,483,648 addresses .*\/8 or longer/)]);
  });

  test("fails if many allowed prefixes together cover more than all private space", () => {
    const adminCidrs = ["10.0.0.0/8", "11.0.0.0/8"];
    expect(about(withAccess({ adminCidrs }), "access.adminCidrs")).toEqual([
      expect.stringMatching(/together cover 33,554,432 IPv4 addresses, more than the 17,891,328 allowed/),
    ]);
  });

  test("accepts all RFC 1918 space and a documentation IPv6 range", () => {
    const adminCidrs = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "2001:db8::/32"];
    expect(parseEnvironment(withAccess({ adminCidrs })).access.adminCidrs).toEqual(adminCidrs);
  });

  // These crashed synth with a Node stack trace in the guard before; now each is one line from validation.
  test.each([
    ["0::/0", /\/0 opens the cluster to the whole internet/],
    ["1.2.3.4/0", /\/0 opens the cluster to the whole internet/],
    [":/0", /: is not an IP address/],
    ["1.2.3.999/24", /1\.2\.3\.999 is not an IP address/],
    ["10.0.0.0/33", /\/33 is longer than an IPv4 address/],
    ["10.1.2.3/16", /has host bits set .*fix: 10\.1\.0\.0\/16/],
    ["2001:db8::1/48", /has host bits set .*fix: 2001:db8::\/48/],
  ])("fails with one clean message for %s", (cidr, message) => {
    const found = problems(withAccess({ adminCidrs: [cidr] }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^access\\.adminCidrs\\.0 = "${cidr.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}": `));
    expect(found[0]).toMatch(message);
  });
});

describe("instance types", () => {
  test.each([
    ["zz9.xlarge", "an unknown type"],
    ["t2.nano", "a type EMR does not offer"],
  ])("fails if a group asks for %s (%s)", (instanceType) => {
    const input = dev();
    input.instances = { ...input.instances, core: { ...input.instances?.core, instanceType } };
    expect(about(input, "instances.core.instanceType")).toEqual([
      expect.stringMatching(/not in environments\/instance-types\.json for eu-west-1; fix: add its row, or one of .*m6i\.xlarge/),
    ]);
  });

  test("fails if a pipeline's transient core type is not in the table (it reaches a real cluster)", () => {
    const input = { ...dev(), pipelines: { financialDaily: { capacity: { coreInstanceType: "zz9.xlarge" } } } };
    expect(about(input, "pipelines.financialDaily.capacity.coreInstanceType")).toEqual([
      expect.stringMatching(/^pipelines\.financialDaily\.capacity\.coreInstanceType = "zz9\.xlarge": not in environments\/instance-types\.json for eu-west-1; fix: add its row, or one of .*r6i\.xlarge/),
    ]);
    expect(() => parseEnvironment({ ...dev(), pipelines: { financialDaily: { capacity: { coreInstanceType: "r6i.xlarge" } } } })).not.toThrow();
  });

  test("fails if the table has no rows for the region", () => {
    expect(about({ ...dev(), region: "ap-south-2", network: { mode: "create" } }, "region")).toEqual([
      expect.stringMatching(/environments\/instance-types\.json lists no instance types for ap-south-2; fix:/),
    ]);
  });

  test("every type the environments use is in the one table the plan summary prices from", () => {
    for (const name of ["dev", "staging", "prod", "local"] as const) {
      const env = parseEnvironment(environmentInput(name));
      const offered = instanceTypesIn(env.region) ?? [];
      for (const group of nonEmpty(Object.values(env.instances))) expect(offered).toContain(group.instanceType);
    }
  });
});

describe("stateBackend.bucket", () => {
  test.each([
    ["ab", /is 2 characters/],
    ["My_State", /lowercase letters, digits, \. and -/],
    ["-state", /begin and end with a letter or digit/],
    ["state..bucket", /two adjacent periods/],
    ["192.168.5.4", /IP address/],
    ["xn--state", /reserved prefix xn--/],
    ["state-s3alias", /reserved suffix -s3alias/],
  ])("fails if it is %s", (bucket, message) => {
    const found = about({ ...dev(), stateBackend: { type: "s3", bucket } }, "stateBackend.bucket");
    expect(found).toEqual([expect.stringMatching(message)]);
    expect(found[0]).toMatch(/S3 bucket naming rules\); fix:/);
  });

  test("accepts the environments' bucket", () => {
    expect(bucketNameProblem("emr-platform-terraform-state")).toBeUndefined();
  });
});

describe("project name", () => {
  test("a too-long name is refused for its length, with the environment's maximum, and only for that", () => {
    const project = "a".repeat(maxProjectLength("dev") + 1);
    expect(problems({ ...dev(), project })).toEqual([
      expect.stringMatching(new RegExp(`^project = "${project}": is 23 characters, too long for dev: .*fix: at most 22 characters in dev$`)),
    ]);
  });

  test("the maximum depends on the environment's name", () => {
    expect(parseEnvironment({ ...dev(), project: "a".repeat(22) }).project).toHaveLength(22);
    expect(about({ ...prod(), project: "a".repeat(22) }, "project")).toEqual([expect.stringMatching(/fix: at most 21 characters in prod/)]);
  });

  test("wrong characters are refused as characters", () => {
    expect(about({ ...dev(), project: "Emr_Platform" }, "project")).toEqual([expect.stringMatching(/lowercase letters, digits and - only/)]);
  });
});

describe("rules moved from the cluster construct into validation", () => {
  test("fails if the release predates EMR 7 (no python3.11 on the nodes)", () => {
    expect(about({ ...dev(), releaseLabel: "emr-6.15.0" }, "releaseLabel")).toEqual([expect.stringMatching(/emr-6\.15\.0 has no python3\.11/)]);
  });

  test("fails if an on-demand task group has a bid price", () => {
    const input = dev();
    input.instances = { ...input.instances, task: { count: 1, market: "ON_DEMAND", bidPrice: "0.10" } };
    expect(about(input, "instances.task.bidPrice")).toEqual([expect.stringMatching(/set on an ON_DEMAND group/)]);
  });

  test("fails if the task group asks for gp3 throughput the instance-group resource cannot set", () => {
    const input = dev();
    input.instances = { ...input.instances, task: { count: 1, ebs: { throughputMiBps: 250 } } };
    expect(about(input, "instances.task.ebs.throughputMiBps")).toEqual([expect.stringMatching(/250 cannot be set on a separate task instance group/)]);
  });

  test("the throughput rule also covers the task group managed scaling needs beyond maxCoreCapacity", () => {
    const input = prodGroups();
    input.instances = { ...input.instances, task: { ...input.instances?.task, ebs: { throughputMiBps: 250 } } };
    expect(about(input, "instances.task.ebs.throughputMiBps")).toHaveLength(1);
  });

  test("fails if two autoscaling rules share a name, or one adjusts by 0", () => {
    const rule = { name: "Out", adjustment: 1, trigger: { metric: "AppsPending", comparison: "GREATER_THAN", threshold: 1 } } as const;
    const input: EnvironmentInput = { ...dev(), scaling: { autoscaling: { rules: [rule, { ...rule, adjustment: 0 }] } } };
    expect(problems(input)).toEqual([
      expect.stringMatching(/^scaling\.autoscaling\.rules\.1\.name = "Out": duplicate rule name "Out"/),
      expect.stringMatching(/^scaling\.autoscaling\.rules\.1\.adjustment = 0: an adjustment of 0 does nothing/),
    ]);
  });

  test("one message lists faults from the fields and from the checks together", () => {
    const found = problems({ ...prod(), terminationProtection: false, releaseLabel: "emr-6.15.0", stepConcurrency: 0, access: { adminCidrs: ["0::/0"] } });
    expect(found.map((p) => p.split(" = ")[0]).sort()).toEqual(["access.adminCidrs.0", "releaseLabel", "stepConcurrency", "terminationProtection"]);
  });
});

describe("managed scaling and TLS key rules (issue 11, kept with the other checks)", () => {
  const onDemandTasks = (): EnvironmentInput => {
    const input = prodGroups();
    input.instances = { ...input.instances, task: { instanceType: "r6i.2xlarge", count: 0, market: "ON_DEMAND" } };
    return input;
  };

  test("fails if managed-scaling caps make maxCapacity unreachable (on-demand task nodes, on-demand cap 4)", () => {
    expect(about(onDemandTasks(), "scaling.managed.maxCapacity")).toEqual([
      expect.stringMatching(/20 is unreachable: .* reach only 4; fix: make instances\.task SPOT, raise maxOnDemandCapacity, or lower maxCapacity to 4/),
    ]);
  });

  test("accepts limits that can reach maxCapacity: spot task nodes, or an on-demand cap that fits", () => {
    expect(() => parseEnvironment(prodGroups())).not.toThrow();
    const input = onDemandTasks();
    input.scaling = { managed: { minCapacity: 4, maxCapacity: 20, maxOnDemandCapacity: 20, maxCoreCapacity: 4 } };
    expect(() => parseEnvironment(input)).not.toThrow();
  });

  test("fails if tls.certificateKmsKeyArn is set without a certificate zip", () => {
    const input = dev();
    input.tls = { certificateKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0b7a9d4e-1111-2222-3333-444455556666" };
    expect(about(input, "tls.certificateKmsKeyArn")).toEqual([expect.stringMatching(/is set but tls\.certificateZipS3Uri is not/)]);
  });
});

describe("the README lists the rules the checks enforce", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

  test("every check has a unique name and a rule sentence", () => {
    const names = nonEmpty(CONFIG_CHECKS.map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
    for (const check of CONFIG_CHECKS) expect(check.rule).toMatch(/^.{20,}\.$/);
  });

  test("the README carries the generated rules list and is current (npm run docs:config)", () => {
    expect(readme).toContain(rulesList());
    for (const check of nonEmpty([...CONFIG_CHECKS])) expect(readme).toContain(check.rule);
    expect(withReference(readme)).toBe(readme);
  });
});

describe("pipelines", () => {
  test("fails if a cluster-runtime pipeline runs on a schedule on a cluster that terminates itself when idle", () => {
    // dev's cluster auto-terminates after an idle hour; smokeNightly adds its steps to that cluster.
    const input = { ...dev(), pipelines: { smokeNightly: { schedule: true } } };
    expect(about(input, "pipelines.smokeNightly.schedule")).toEqual([
      "pipelines.smokeNightly.schedule = true: smokeNightly adds its steps to the environment's cluster, which terminates itself after 3600 idle seconds (autoTermination.enabled), so scheduled runs fail once it has; fix: schedule: false (run it with pipeline run while the cluster is up), or autoTermination: { enabled: false }",
    ]);
    // schedule is on by default: leaving it out is refused too.
    expect(about({ ...dev(), pipelines: { trackerDaily: {} } }, "pipelines.trackerDaily.schedule")).toHaveLength(1);
  });

  test("accepts it on demand, on a cluster that stays up, and for transient pipelines", () => {
    expect(() => parseEnvironment({ ...dev(), pipelines: { smokeNightly: { schedule: false } } })).not.toThrow();
    expect(() => parseEnvironment({ ...dev(), autoTermination: { enabled: false }, pipelines: { smokeNightly: { schedule: true } } })).not.toThrow();
    expect(() => parseEnvironment({ ...dev(), pipelines: { financialDaily: { schedule: true } } })).not.toThrow();
  });

  test("fails if a transient pipeline's environment sets master or core throughput above gp3's baseline (createCluster cannot send it)", () => {
    const base = dev();
    const core = { ...base.instances?.core, ebs: { ...base.instances?.core?.ebs, throughputMiBps: 250 } };
    const input = { ...base, instances: { ...base.instances, core }, pipelines: { financialDaily: {} } };
    expect(about(input, "instances.core.ebs.throughputMiBps")).toEqual([
      "instances.core.ebs.throughputMiBps = 250: 250 cannot reach the transient cluster of financialDaily (Step Functions' createCluster does not model Throughput); fix: leave it at 125, or make those pipelines runtime \"cluster\"",
    ]);
    // Without a transient pipeline the environment's own cluster may keep it.
    expect(() => parseEnvironment({ ...input, pipelines: { smokeNightly: { schedule: false } } })).not.toThrow();
  });
});

describe("serverless", () => {
  const withServerless = (serverless: EnvironmentInput["serverless"], base: EnvironmentInput = dev()): EnvironmentInput => ({ ...base, serverless });
  const worker = { count: 2, cpu: 4 as const, memoryGb: 16, diskGb: 50 };

  test("fails if the maximum capacity cannot hold the pre-warmed workers, naming each short dimension and the total", () => {
    const input = withServerless({ enabled: true, maximumCapacity: { cpuVcpu: 8, memoryGb: 40, diskGb: 1000 }, initialCapacity: { driver: { ...worker, count: 1 }, executor: worker } });
    // 3 workers × 4 vCPU = 12 > 8; 3 × 16 GB = 48 > 40; 3 × 50 GB = 150 ≤ 1000.
    expect(about(input, "serverless.maximumCapacity.cpuVcpu")).toEqual([
      "serverless.maximumCapacity.cpuVcpu = 8: 8 is below the pre-warmed workers' 12 vCPU (serverless.initialCapacity); fix: maximumCapacity.cpuVcpu: 12 or more, or fewer/smaller pre-warmed workers",
    ]);
    expect(about(input, "serverless.maximumCapacity.memoryGb")).toEqual([expect.stringMatching(/below the pre-warmed workers' 48 GB of memory/)]);
    expect(about(input, "serverless.maximumCapacity.diskGb")).toEqual([]);
  });

  test("counts a worker's default 20 GB disk", () => {
    const input = withServerless({ enabled: true, maximumCapacity: { diskGb: 30 }, initialCapacity: { executor: { count: 2, cpu: 1, memoryGb: 2 } } });
    expect(about(input, "serverless.maximumCapacity.diskGb")).toEqual([expect.stringMatching(/pre-warmed workers' 40 GB of disk/)]);
  });

  test("passes when the ceiling holds the pool", () => {
    const parsed = parseEnvironment(withServerless({ enabled: true, maximumCapacity: { cpuVcpu: 12, memoryGb: 48, diskGb: 150 }, initialCapacity: { driver: { ...worker, count: 1 }, executor: worker } }));
    expect(parsed.serverless.initialCapacity?.executor?.count).toBe(2);
  });

  test.each([
    [1, 9, /9 GB is not a 1 vCPU worker's memory \(2–8 GB in 1 GB steps\)/],
    [4, 4, /4 GB is not a 4 vCPU worker's memory \(8–30 GB/],
    [8, 18, /18 GB is not a 8 vCPU worker's memory \(16–60 GB in 4 GB steps\)/],
  ] as const)("fails if a %s vCPU worker has %s GB", (cpu, memoryGb, message) => {
    const input = withServerless({ enabled: true, initialCapacity: { executor: { count: 1, cpu, memoryGb } } });
    expect(about(input, "serverless.initialCapacity.executor.memoryGb")).toEqual([expect.stringMatching(message)]);
  });

  test("fails if imageTag or initialCapacity is set without enabled", () => {
    const input = withServerless({ enabled: false, imageTag: "abc123", initialCapacity: { driver: { count: 1, cpu: 2, memoryGb: 4 } } });
    expect(about(input, "serverless.imageTag")).toEqual([
      "serverless.imageTag = \"abc123\": is set but serverless.enabled is not, so nothing uses it; fix: serverless.enabled: true, or remove serverless.imageTag",
    ]);
    expect(about(input, "serverless.initialCapacity")).toHaveLength(1);
  });

  test("the release rule of the cluster covers the application (emr-7 or emr-spark), and emr-spark runtimes pass", () => {
    expect(about({ ...withServerless({ enabled: true }), releaseLabel: "emr-6.15.0" }, "releaseLabel")).toEqual([expect.stringMatching(/has no python3\.11/)]);
    expect(parseEnvironment({ ...withServerless({ enabled: true }), releaseLabel: "emr-spark-8.0.0" }).releaseLabel).toBe("emr-spark-8.0.0");
  });
});

import { ConfigError, ENVIRONMENT_NAMES, environmentInput, loadAllEnvironments, loadEnvironment, parseEnvironment } from "../../environments";
import { prodOnGroupsInput } from "../support/prod-on-groups";

const dev = () => environmentInput("dev");
const prod = () => environmentInput("prod");
/** prod's posture on instance groups, for the group rules (prod itself runs fleets). */
const prodGroups = () => prodOnGroupsInput();

/** Parses `input` expecting a ConfigError; returns its message. */
function rejection(input: unknown): string {
  try {
    parseEnvironment(input, "test");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("environments", () => {
  test.each(ENVIRONMENT_NAMES)("%s loads and is fully defaulted", (name) => {
    const env = loadEnvironment(name);
    expect(env.name).toBe(name);
    expect(env.releaseLabel).toMatch(/^emr-7\.\d+\.\d+$/);
    expect(env.instances.master.ebs.sizeGb).toBeGreaterThanOrEqual(32);
    expect(env.classifications.sparkDefaults).toEqual({});
  });

  test("a stream watermark of 0 is refused: the job closes a bar only once the watermark passes it", () => {
    expect(rejection({ ...dev(), streaming: { enabled: true, watermarkSeconds: 0 } })).toMatch(/streaming\.watermarkSeconds.*below 1 second; fix: 1 or more/);
  });

  test("dev follows the cost posture: idle hour auto-termination, spot task nodes, no protection", () => {
    const env = loadEnvironment("dev");
    expect(env.autoTermination).toEqual({ enabled: true, idleTimeoutSeconds: 3600 });
    expect(env.instances.task.market).toBe("SPOT");
    expect(env.terminationProtection).toBe(false);
    expect(env.scaling.autoscaling?.rules.map((r) => r.name)).toEqual(["ScaleOutMemory", "ScaleOutPending", "ScaleInMemory"]);
  });

  test("prod is protected, on-demand fleets for master and core, managed scaling, managed certificates, S3 state", () => {
    const env = loadEnvironment("prod");
    expect(env.terminationProtection).toBe(true);
    expect(env.fleets?.master).toMatchObject({ targetOnDemandCapacity: 1, targetSpotCapacity: 0 });
    expect(env.fleets?.core).toMatchObject({ targetOnDemandCapacity: 4, targetSpotCapacity: 0 });
    expect(env.fleets?.task?.instanceTypes.length).toBeGreaterThan(5);
    expect(env.fleets?.task?.spot?.allocationStrategy).toBe("price-capacity-optimized");
    expect(env.scaling.managed).toBeTruthy();
    expect(env.scaling.autoscaling).toBeUndefined();
    expect(env.tls.certificateZipS3Uri).toMatch(/^s3:\/\//);
    expect(env.stateBackend.type).toBe("s3");
  });

  test("local points at a local endpoint, overridable with EMR_LOCAL_ENDPOINT", () => {
    expect(loadEnvironment("local", {}).endpoint).toBe("http://localhost:5000");
    expect(loadEnvironment("local", { EMR_LOCAL_ENDPOINT: "http://127.0.0.1:5123" }).endpoint).toBe("http://127.0.0.1:5123");
    expect(loadEnvironment("local").stateBackend.type).toBe("local");
  });

  test("a partial instance group keeps the defaults of the fields it leaves out", () => {
    const env = parseEnvironment({ name: "dev", region: "eu-west-1", instances: { core: { count: 4 } } });
    expect(env.instances.core).toMatchObject({ count: 4, instanceType: "m6i.xlarge", market: "ON_DEMAND" });
    expect(env.instances.master.count).toBe(1);
    expect(env.instances.task.market).toBe("SPOT");
  });

  test("loadAllEnvironments returns one config per environment name", () => {
    expect(loadAllEnvironments().map((e) => e.name)).toEqual([...ENVIRONMENT_NAMES]);
  });
});

describe("invalid configs are refused with the field, the value and the fix", () => {
  test("fails if the environment name is unknown", () => {
    expect(() => loadEnvironment("qa")).toThrow(/unknown environment "qa".*dev, staging, prod, local/);
  });

  test("fails if custom scaling min > max", () => {
    const msg = rejection({ ...dev(), scaling: { autoscaling: { minCapacity: 5, maxCapacity: 2 } } });
    expect(msg).toMatch(/scaling\.autoscaling\.minCapacity = 5: 5 is above maxCapacity 2; fix:/);
  });

  test("fails if managed scaling min > max", () => {
    const msg = rejection({ ...prod(), scaling: { managed: { minCapacity: 9, maxCapacity: 3 } } });
    expect(msg).toMatch(/scaling\.managed\.minCapacity = 9/);
  });

  test("fails if managed-scaling caps make maxCapacity unreachable (on-demand task nodes, on-demand cap 4)", () => {
    const input = prodGroups();
    input.instances = { ...input.instances, task: { instanceType: "r6i.2xlarge", count: 0, market: "ON_DEMAND" } };
    const msg = rejection(input);
    expect(msg).toMatch(/scaling\.managed\.maxCapacity = 20: 20 is unreachable: .* reach only 4; fix: make instances\.task SPOT, raise maxOnDemandCapacity, or lower maxCapacity to 4/);
  });

  test("accepts managed-scaling limits that can reach maxCapacity: prod's spot task nodes, or an on-demand cap that fits", () => {
    expect(() => parseEnvironment(prodGroups(), "test")).not.toThrow();
    const input = prodGroups();
    input.instances = { ...input.instances, task: { instanceType: "r6i.2xlarge", count: 0, market: "ON_DEMAND" } };
    input.scaling = { managed: { minCapacity: 4, maxCapacity: 20, maxOnDemandCapacity: 20, maxCoreCapacity: 4 } };
    expect(() => parseEnvironment(input, "test")).not.toThrow();
  });

  test("fails if tls.certificateKmsKeyArn is not a KMS key ARN, or is set without a certificate zip", () => {
    const bad = prod();
    bad.tls = { certificateZipS3Uri: "s3://certs/emr/certs.zip", certificateKmsKeyArn: "alias/certs" };
    expect(rejection(bad)).toMatch(/tls\.certificateKmsKeyArn = "alias\/certs": not a KMS key ARN; fix:/);
    const orphan = dev();
    orphan.tls = { certificateKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0b7a9d4e-1111-2222-3333-444455556666" };
    expect(rejection(orphan)).toMatch(/tls\.certificateKmsKeyArn = .*is set but tls\.certificateZipS3Uri is not/);
  });

  test("fails if both scaling modes are set", () => {
    const msg = rejection({ ...dev(), scaling: { autoscaling: {}, managed: {} } });
    expect(msg).toMatch(/scaling = .*sets both autoscaling and managed; fix: keep one/);
  });

  test.each(["0.0.0.0/0", "::/0"])("fails if %s is an admin CIDR", (cidr) => {
    const msg = rejection({ ...dev(), access: { adminCidrs: ["10.0.0.0/8", cidr] } });
    expect(msg).toContain(`access.adminCidrs.1 = "${cidr}": /0 opens the cluster to the whole internet`);
  });

  test.each(["emr-7", "7.12.0", "emr-7.12", "EMR-7.12.0", "emr-spark-8"])("fails if the release label is %s", (label) => {
    expect(rejection({ ...dev(), releaseLabel: label })).toMatch(/releaseLabel = .*not an EMR release label; fix: emr-x\.y\.z/);
  });

  test("accepts emr-spark-x.y.z labels (Spark 4 releases)", () => {
    expect(parseEnvironment({ ...dev(), releaseLabel: "emr-spark-8.0.0" }).releaseLabel).toBe("emr-spark-8.0.0");
  });

  test.each([59, 604801, 0])("fails if the idle timeout is %i s", (seconds) => {
    const msg = rejection({ ...dev(), autoTermination: { enabled: true, idleTimeoutSeconds: seconds } });
    expect(msg).toMatch(new RegExp(`autoTermination\\.idleTimeoutSeconds = ${seconds}: .*(60 s minimum|604800 s).*fix:`));
  });

  test("accepts the idle timeout bounds 60 and 604800", () => {
    for (const seconds of [60, 604800]) {
      expect(parseEnvironment({ ...dev(), autoTermination: { idleTimeoutSeconds: seconds } }).autoTermination.idleTimeoutSeconds).toBe(seconds);
    }
  });

  test("fails if the master is spot in prod", () => {
    const input = prodGroups();
    input.instances = { ...input.instances, master: { ...input.instances?.master, market: "SPOT" } };
    expect(rejection(input)).toMatch(/instances\.master\.market = "SPOT": SPOT master in prod.*fix: ON_DEMAND/);
  });

  test("allows a spot master outside prod", () => {
    expect(parseEnvironment({ ...dev(), instances: { master: { market: "SPOT" } } }).instances.master.market).toBe("SPOT");
  });

  test.each([0, 257, -1])("fails if step concurrency is %i", (n) => {
    expect(rejection({ ...dev(), stepConcurrency: n })).toMatch(new RegExp(`stepConcurrency = ${n}: .*1–256`));
  });

  test("fails if prod has no certificate zip or keeps local state", () => {
    const msg = rejection({ ...prod(), tls: {}, stateBackend: { type: "local" } });
    expect(msg).toMatch(/tls\.certificateZipS3Uri = \(missing\): prod needs certificates/);
    expect(msg).toMatch(/stateBackend = .*prod keeps its state locally/);
  });

  test("fails if a non-local environment sets an endpoint, or local has none", () => {
    expect(rejection({ ...dev(), endpoint: "http://localhost:5000" })).toMatch(/endpoint = .*only the local environment/);
    expect(rejection({ ...environmentInput("local"), endpoint: undefined })).toMatch(/endpoint = \(missing\): the local environment needs/);
  });

  test("fails if web UI ingress is on without admin CIDRs", () => {
    expect(rejection({ ...dev(), access: { webUiIngress: true } })).toMatch(/access\.webUiIngress = true: is on but access\.adminCidrs is empty/);
  });

  test("fails if zone names disagree with the zone count or the region", () => {
    const msg = rejection({ ...dev(), network: { mode: "create", availabilityZones: 2, zoneNames: ["us-east-1a"] } });
    expect(msg).toMatch(/network\.zoneNames = \["us-east-1a"\]: names 1 zones but availabilityZones is 2/);
    expect(msg).toMatch(/us-east-1a not in region eu-west-1; fix: use eu-west-1a/);
  });

  test("fails on unknown fields instead of ignoring a typo", () => {
    expect(rejection({ ...dev(), stepConcurency: 3 })).toMatch(/stepConcurency/);
  });

  test("lists every bad field in one message", () => {
    const input = prodGroups();
    const msg = rejection({
      ...input,
      releaseLabel: "7.1",
      stepConcurrency: 0,
      access: { adminCidrs: ["0.0.0.0/0"] },
      instances: { ...input.instances, master: { ...input.instances?.master, market: "SPOT" } },
      autoTermination: { idleTimeoutSeconds: 10 },
      scaling: { autoscaling: { minCapacity: 5, maxCapacity: 2 }, managed: {} },
    });
    expect(msg.split("\n")[0]).toBe("test: 7 invalid fields");
    for (const field of ["releaseLabel", "stepConcurrency", "access.adminCidrs.0", "instances.master.market", "autoTermination.idleTimeoutSeconds", "scaling =", "scaling.autoscaling.minCapacity"]) {
      expect(msg).toContain(`  - ${field}`);
    }
  });
});

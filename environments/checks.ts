/**
 * Every config rule that a field's own type and limits cannot state: cross-field rules, the production posture, and
 * the address, name and instance-type rules. schema.ts runs them all in one pass, so one error lists every fault.
 * Each check carries the sentence the README's rules list prints (`npm run docs:config`): the reference is generated
 * from the code that enforces it.
 *
 * A check reads the config defensively: it also runs when another field failed, so any value may be missing or of
 * the wrong type.
 */
import { blockSize, canonical, coveredAddresses, networkAddress, parseCidr, type Cidr } from "./cidr";
import { INSTANCE_TYPE_TABLE, instanceTypesIn } from "./instance-types";
import { ENVIRONMENT_NAMES } from "./names";
import { leafSteps, PIPELINES, pipelineSchema, type LeafStep } from "./pipelines";
import type { Market } from "../contracts/emr";
import { findJob } from "../contracts/job-catalog";
import { managedScalingCeiling, taskGroupExists } from "./capacity-rules";
import { PARSED_ONCE } from "./parsed-once";

/**
 * EMR takes at most 5 instance types per fleet without an allocation strategy, 30 with one (EMR API reference,
 * https://docs.aws.amazon.com/emr/latest/APIReference/API_InstanceTypeConfig.html: "When you use an allocation
 * strategy, you can include a maximum of 30 instance type configurations for a fleet … Without an allocation strategy,
 * you may specify a maximum of five"; the same 5/30 in the Management Guide,
 * https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-instance-fleet.html).
 */
export const TYPES_WITHOUT_ALLOCATION_STRATEGY = 5;
export const TYPES_WITH_ALLOCATION_STRATEGY = 30;

/** Adds one fault: the path into the config and what is wrong, ending in "; fix: …". */
export type Report = (path: (string | number)[], message: string) => void;

/** The config as the checks see it: the schema's output shape, but any part may be absent or malformed. */
export interface DraftConfig {
  readonly [key: string]: unknown;
}

export type CheckArea =
  | "scaling" | "instances" | "fleets" | "pipelines" | "release" | "serverless" | "network" | "access" | "tls" | "names" | "endpoint" | "prod";

export interface ConfigCheck {
  readonly name: string;
  readonly area: CheckArea;
  /** The rule in one sentence, as the README lists it. */
  readonly rule: string;
  readonly run: (env: DraftConfig, report: Report) => void;
}

// ---- reading a draft safely ------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined);
const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => obj(o)?.[k], v);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const GROUPS = ["master", "core", "task"] as const;
/** gp3's baseline throughput, MiB/s. */
export const GP3_BASELINE_THROUGHPUT = 125;

/** The instance groups' defaults (schema.ts builds `instances` from them; `fleetsReplaceGroups` compares with them). */
export const GROUP_DEFAULTS = {
  master: { instanceType: "m6i.xlarge", count: 1, market: "ON_DEMAND" },
  core: { instanceType: "m6i.xlarge", count: 2, market: "ON_DEMAND" },
  task: { instanceType: "m6i.xlarge", count: 0, market: "SPOT" },
} as const;
export const EBS_DEFAULTS = { sizeGb: 64, volumesPerInstance: 1, iops: 3000, throughputMiBps: GP3_BASELINE_THROUGHPUT } as const;

/** True when the config describes its capacity as instance fleets (`fleets`) rather than groups (`instances`). */
const usesFleets = (env: DraftConfig): boolean => obj(at(env, "fleets")) !== undefined;

/** A task instance group exists (capacity-rules.ts taskGroupExists, the rule the cluster module uses). */
function hasTaskGroup(env: DraftConfig): boolean {
  if (usesFleets(env)) return false;
  const max = num(at(env, "scaling", "managed", "maxCapacity"));
  return taskGroupExists({
    count: num(at(env, "instances", "task", "count")) ?? 0,
    customScaling: obj(at(env, "scaling", "autoscaling")) !== undefined,
    managed: max === undefined ? undefined : { maxCapacity: max, maxCoreCapacity: num(at(env, "scaling", "managed", "maxCoreCapacity")) },
  });
}

// ---- scaling ---------------------------------------------------------------------------------------------------

const isMarket = (v: unknown): v is Market => v === "ON_DEMAND" || v === "SPOT";

export { managedScalingCeiling };

const scalingChecks: ConfigCheck[] = [
  {
    name: "oneScalingMode",
    area: "scaling",
    rule: "`scaling.autoscaling` and `scaling.managed` are exclusive: custom rules drive the task group, managed scaling sizes the whole cluster.",
    run(env, report) {
      if (obj(at(env, "scaling", "autoscaling")) && obj(at(env, "scaling", "managed"))) {
        report(["scaling"], "sets both autoscaling and managed; fix: keep one (custom rules drive the task instance group, managed scaling sizes the whole cluster)");
      }
    },
  },
  {
    name: "capacityRanges",
    area: "scaling",
    rule: "`minCapacity` ≤ `maxCapacity` in both scaling modes, and `scaling.managed.maxCoreCapacity` ≤ `maxCapacity`.",
    run(env, report) {
      for (const mode of ["autoscaling", "managed"] as const) {
        const min = num(at(env, "scaling", mode, "minCapacity"));
        const max = num(at(env, "scaling", mode, "maxCapacity"));
        if (min !== undefined && max !== undefined && min > max) {
          report(["scaling", mode, "minCapacity"], `${min} is above maxCapacity ${max}; fix: make minCapacity <= maxCapacity`);
        }
      }
      const maxCore = num(at(env, "scaling", "managed", "maxCoreCapacity"));
      const max = num(at(env, "scaling", "managed", "maxCapacity"));
      if (maxCore !== undefined && max !== undefined && maxCore > max) {
        report(["scaling", "managed", "maxCoreCapacity"], `${maxCore} is above maxCapacity ${max}; fix: lower it to at most maxCapacity`);
      }
    },
  },
  {
    name: "managedScalingReachable",
    area: "scaling",
    rule: "`scaling.managed.maxCapacity` is reachable: `maxCoreCapacity` and `maxOnDemandCapacity` leave core plus task nodes room to get there (on-demand task nodes count against `maxOnDemandCapacity`).",
    run(env, report) {
      const managed = obj(at(env, "scaling", "managed"));
      const max = num(managed?.maxCapacity);
      const core = at(env, "instances", "core", "market");
      const task = at(env, "instances", "task", "market");
      if (usesFleets(env) || !managed || max === undefined || !isMarket(core) || !isMarket(task)) return;
      const ceiling = managedScalingCeiling({ maxOnDemandCapacity: num(managed.maxOnDemandCapacity), maxCoreCapacity: num(managed.maxCoreCapacity) }, { market: core }, { market: task });
      if (ceiling < max) {
        report(
          ["scaling", "managed", "maxCapacity"],
          `${max} is unreachable: maxCoreCapacity/maxOnDemandCapacity let core and ${task} task nodes reach only ${ceiling}; fix: make instances.task SPOT, raise maxOnDemandCapacity, or lower maxCapacity to ${ceiling}`,
        );
      }
    },
  },
  {
    name: "scalingRules",
    area: "scaling",
    rule: "Autoscaling rule names are unique (EMR identifies a rule by its name), and no rule has an `adjustment` of 0.",
    run(env, report) {
      const seen = new Set<string>();
      list(at(env, "scaling", "autoscaling", "rules")).forEach((rule, i) => {
        const name = str(at(rule, "name"));
        if (name !== undefined && seen.has(name)) {
          report(["scaling", "autoscaling", "rules", i, "name"], `duplicate rule name "${name}" (EMR identifies rules by name); fix: rename one`);
        }
        if (name !== undefined) seen.add(name);
        if (at(rule, "adjustment") === 0) {
          report(["scaling", "autoscaling", "rules", i, "adjustment"], "an adjustment of 0 does nothing; fix: e.g. 1 or -1");
        }
      });
    },
  },
];

// ---- instances -------------------------------------------------------------------------------------------------

const instanceChecks: ConfigCheck[] = [
  {
    name: "masterCount",
    area: "instances",
    rule: "`instances.master.count` is 1, or 3 for high availability.",
    run(env, report) {
      const count = num(at(env, "instances", "master", "count"));
      if (count !== undefined && count !== 1 && count !== 3) {
        report(["instances", "master", "count"], `${count} master nodes; fix: 1, or 3 for high availability`);
      }
    },
  },
  {
    name: "coreCount",
    area: "instances",
    rule: "`instances.core.count` is at least 1 (HDFS lives on the core nodes).",
    run(env, report) {
      const count = num(at(env, "instances", "core", "count"));
      if (count !== undefined && count < 1) report(["instances", "core", "count"], "a cluster needs at least one core node; fix: 1 or more");
    },
  },
  {
    name: "bidPriceOnSpot",
    area: "instances",
    rule: "`bidPrice` is set only on a `SPOT` group.",
    run(env, report) {
      for (const group of GROUPS) {
        const market = at(env, "instances", group, "market");
        if (at(env, "instances", group, "bidPrice") !== undefined && market !== "SPOT") {
          report(["instances", group, "bidPrice"], `set on an ${String(market)} group; fix: remove it or set market: "SPOT"`);
        }
      }
    },
  },
  {
    name: "taskGroupThroughput",
    area: "instances",
    rule: "A task group (task `count` > 0, custom autoscaling, or managed limits beyond `maxCoreCapacity`) keeps `ebs.throughputMiBps` at gp3's baseline 125: `aws_emr_instance_group` has no throughput argument.",
    run(env, report) {
      const throughput = num(at(env, "instances", "task", "ebs", "throughputMiBps"));
      if (hasTaskGroup(env) && throughput !== undefined && throughput !== GP3_BASELINE_THROUGHPUT) {
        report(
          ["instances", "task", "ebs", "throughputMiBps"],
          `${throughput} cannot be set on a separate task instance group (provider aws_emr_instance_group has no throughput); fix: leave it at ${GP3_BASELINE_THROUGHPUT}`,
        );
      }
    },
  },
  {
    name: "instanceTypeOffered",
    area: "instances",
    rule: `Every group's (or fleet's) \`instanceType\`, and every pipeline's \`capacity.coreInstanceType\`, is listed for the environment's region in \`${INSTANCE_TYPE_TABLE}\`, the one table of EMR-supported types with their prices.`,
    run(env, report) {
      const region = str(at(env, "region"));
      if (region === undefined) return;
      const offered = instanceTypesIn(region);
      if (!offered) {
        report(["region"], `${INSTANCE_TYPE_TABLE} lists no instance types for ${region}; fix: add the region's EMR-supported types with their prices, or use one of its regions`);
        return;
      }
      const named: [(string | number)[], unknown][] = usesFleets(env)
        ? GROUPS.flatMap((role) => list(at(env, "fleets", role, "instanceTypes")).map((t, i): [(string | number)[], unknown] => [["fleets", role, "instanceTypes", i, "instanceType"], at(t, "instanceType")]))
        : GROUPS.map((group): [(string | number)[], unknown] => [["instances", group, "instanceType"], at(env, "instances", group, "instanceType")]);
      // A pipeline's transient cluster gets its own core type: the same table decides it.
      for (const [name, pipeline] of Object.entries(obj(at(env, "pipelines")) ?? {})) {
        named.push([["pipelines", name, "capacity", "coreInstanceType"], at(pipeline, "capacity", "coreInstanceType")]);
      }
      for (const [path, value] of named) {
        const type = str(value);
        // The table is this project's list, not EMR's: a missing row says nothing about what EMR offers.
        if (type !== undefined && !offered.includes(type)) {
          report(path, `not in ${INSTANCE_TYPE_TABLE} for ${region}; fix: add its row, or one of ${offered.join(", ")}`);
        }
      }
    },
  },
];


// ---- instance fleets -------------------------------------------------------------------------------------------

const FLEETS = ["master", "core", "task"] as const;
/** A fleet's target units: on-demand, spot, and their total (undefined parts read as 0). */
function targets(env: DraftConfig, role: (typeof FLEETS)[number]) {
  const onDemand = num(at(env, "fleets", role, "targetOnDemandCapacity")) ?? 0;
  const spot = num(at(env, "fleets", role, "targetSpotCapacity")) ?? 0;
  return { onDemand, spot, total: onDemand + spot };
}
const presentFleets = (env: DraftConfig) => FLEETS.filter((role) => obj(at(env, "fleets", role)) !== undefined);
const sameValues = (actual: unknown, expected: Record<string, unknown>) => Object.entries(expected).every(([k, v]) => at(actual, k) === v);

/**
 * Whether a fleet may hold spot units: it targets some, or it is the task fleet under managed scaling (which adds spot
 * task units beyond maxOnDemandCapacity).
 */
function mayHoldSpot(env: DraftConfig, role: (typeof FLEETS)[number]): boolean {
  return targets(env, role).spot > 0 || (role === "task" && obj(at(env, "scaling", "managed")) !== undefined);
}

const fleetChecks: ConfigCheck[] = [
  {
    name: "fleetsReplaceGroups",
    area: "fleets",
    rule: "`fleets` replaces `instances`: a cluster is either instance groups or instance fleets, so an environment with `fleets` leaves `instances` out.",
    run(env, report) {
      if (!usesFleets(env)) return;
      const untouched = GROUPS.every(
        (role) => sameValues(at(env, "instances", role), GROUP_DEFAULTS[role]) && at(env, "instances", role, "bidPrice") === undefined && sameValues(at(env, "instances", role, "ebs"), EBS_DEFAULTS),
      );
      if (!untouched) report(["instances"], "is set along with fleets (a cluster is either instance groups or instance fleets); fix: remove instances, or remove fleets");
    },
  },
  {
    name: "fleetsManagedScalingOnly",
    area: "fleets",
    rule: "Fleets scale only with `scaling.managed` (in `InstanceFleetUnits`): custom autoscaling rules act on instance groups.",
    run(env, report) {
      if (usesFleets(env) && obj(at(env, "scaling", "autoscaling"))) {
        report(["scaling", "autoscaling"], "custom autoscaling rules act on instance groups, not fleets (only managed scaling works with fleets, in InstanceFleetUnits); fix: replace scaling.autoscaling with scaling.managed");
      }
    },
  },
  {
    name: "fleetUnits",
    area: "fleets",
    rule: "The master fleet targets exactly one unit (on-demand or spot) and weighs each type 1; every other fleet targets at least one unit (EMR refuses an empty fleet).",
    run(env, report) {
      // InstanceTypeConfig.WeightedCapacity: "This value is 1 for a master instance fleet" (EMR API reference).
      list(at(env, "fleets", "master", "instanceTypes")).forEach((t, i) => {
        const weight = num(at(t, "weightedCapacity"));
        if (weight !== undefined && weight !== 1) {
          report(["fleets", "master", "instanceTypes", i, "weightedCapacity"], `a master instance type counts as 1 unit (EMR runs one master node), not ${weight}; fix: weightedCapacity: 1 or leave it out`);
        }
      });
      for (const role of presentFleets(env)) {
        const { total } = targets(env, role);
        if (role === "master" && total !== 1) {
          report(["fleets", "master", "targetOnDemandCapacity"], `the master fleet targets ${total} units; EMR runs exactly one master node; fix: targetOnDemandCapacity: 1, targetSpotCapacity: 0`);
        } else if (role !== "master" && total < 1) {
          report(["fleets", role, "targetSpotCapacity"], `the ${role} fleet targets no units (EMR needs at least one of its targets above 0); fix: targetOnDemandCapacity or targetSpotCapacity of 1 or more, or remove the fleet`);
        }
      }
    },
  },
  {
    name: "fleetSpotSpecification",
    area: "fleets",
    rule: "A fleet that may hold spot units (a spot target, or the task fleet under managed scaling) sets `spot` with its timeout action and minutes.",
    run(env, report) {
      for (const role of presentFleets(env)) {
        if (mayHoldSpot(env, role) && !obj(at(env, "fleets", role, "spot"))) {
          report(["fleets", role, "spot"], `the ${role} fleet may run spot instances but sets no spot timeout; fix: spot: { timeoutAction: "SWITCH_TO_ON_DEMAND", timeoutMinutes: 10 }`);
        }
      }
    },
  },
  {
    name: "fleetTypeCount",
    area: "fleets",
    rule:
      `A fleet lists each instance type once (EMR refuses a fleet with duplicate types) and at most ${TYPES_WITHOUT_ALLOCATION_STRATEGY} types, or up to ${TYPES_WITH_ALLOCATION_STRATEGY} when every fleet of the cluster ` +
      "sets an allocation strategy (`spot`, `onDemand`) for each market it uses: EMR's 5/30 rule, which it applies to the whole cluster (a task fleet with more than 5 types is refused until the master and core fleets declare strategies too).",
    run(env, report) {
      const present = presentFleets(env);
      for (const role of present) {
        const seen = new Set<string>();
        list(at(env, "fleets", role, "instanceTypes")).forEach((t, i) => {
          const type = str(at(t, "instanceType"));
          if (type === undefined) return;
          // "The instance fleet … contains duplicate instance types" (EMR's RunJobFlow/AddInstanceFleet error).
          if (seen.has(type)) report(["fleets", role, "instanceTypes", i, "instanceType"], "is listed twice in this fleet; fix: list each type once");
          seen.add(type);
        });
      }
      // hashicorp/terraform-provider-aws#25132: a task fleet with more than five types was refused until the MASTER and
      // CORE fleets also declared allocation strategies.
      const crowded = present.find((role) => list(at(env, "fleets", role, "instanceTypes")).length > TYPES_WITHOUT_ALLOCATION_STRATEGY);
      if (crowded === undefined) return;
      const count = list(at(env, "fleets", crowded, "instanceTypes")).length;
      const why = `fleets.${crowded} lists ${count} instance types, which EMR accepts only when every fleet of the cluster sets an allocation strategy for each market it uses`;
      const fewer = `or at most ${TYPES_WITHOUT_ALLOCATION_STRATEGY} types in every fleet`;
      for (const role of present) {
        if (mayHoldSpot(env, role) && !obj(at(env, "fleets", role, "spot"))) {
          report(["fleets", role, "spot"], `${why}; fix: spot: { allocationStrategy: "price-capacity-optimized", timeoutAction: "SWITCH_TO_ON_DEMAND", timeoutMinutes: 10 }, ${fewer}`);
        }
        const onDemandUnits = targets(env, role).onDemand > 0 || (role !== "master" && obj(at(env, "scaling", "managed")) !== undefined);
        if (onDemandUnits && !obj(at(env, "fleets", role, "onDemand"))) {
          report(["fleets", role, "onDemand"], `${why}; fix: onDemand: { allocationStrategy: "lowest-price" }, ${fewer}`);
        }
      }
    },
  },
  {
    name: "fleetTargetsWithinManagedLimits",
    area: "fleets",
    rule:
      "With fleets and `scaling.managed`, the limits count core + task units: the fleets' targets lie within `minCapacity`–`maxCapacity`, the core fleet's within `maxCoreCapacity`, " +
      "their on-demand targets within `maxOnDemandCapacity`, and a `maxCapacity` beyond `maxCoreCapacity` needs a task fleet to grow into.",
    run(env, report) {
      const managed = obj(at(env, "scaling", "managed"));
      if (!usesFleets(env) || !managed) return;
      const core = targets(env, "core");
      const task = targets(env, "task");
      const total = core.total + task.total;
      const min = num(managed.minCapacity);
      const max = num(managed.maxCapacity);
      const maxCore = num(managed.maxCoreCapacity);
      const maxOnDemand = num(managed.maxOnDemandCapacity);
      if (max !== undefined && total > max) {
        report(["scaling", "managed", "maxCapacity"], `${max} is below the core + task fleets' targets (${total} units), which managed scaling could never keep; fix: raise maxCapacity to at least ${total} or lower the targets`);
      }
      if (min !== undefined && total < min) {
        report(["scaling", "managed", "minCapacity"], `${min} is above the core + task fleets' targets (${total} units); fix: lower minCapacity to at most ${total} or raise the targets`);
      }
      if (maxCore !== undefined && core.total > maxCore) {
        report(["fleets", "core", "targetOnDemandCapacity"], `the core fleet targets ${core.total} units, above scaling.managed.maxCoreCapacity ${maxCore}; fix: at most ${maxCore} core units, or raise maxCoreCapacity`);
      }
      if (maxOnDemand !== undefined && core.onDemand + task.onDemand > maxOnDemand) {
        report(["scaling", "managed", "maxOnDemandCapacity"], `${maxOnDemand} is below the fleets' on-demand targets (${core.onDemand + task.onDemand} units); fix: raise it to at least ${core.onDemand + task.onDemand}`);
      }
      if (max !== undefined && max > (maxCore ?? max) && obj(at(env, "fleets", "task")) === undefined) {
        report(["fleets", "task"], `scaling.managed.maxCapacity ${max} exceeds maxCoreCapacity ${maxCore} but there is no task fleet to grow into; fix: add fleets.task, or lower maxCapacity to ${maxCore}`);
      }
    },
  },
  {
    name: "pipelineCapacityOnFleets",
    area: "fleets",
    rule: "With fleets, a pipeline's `capacity.coreInstanceType` is refused (the fleets list the types); `coreCount` and `taskCount` set the fleets' target units.",
    run(env, report) {
      if (!usesFleets(env)) return;
      for (const [name, pipeline] of Object.entries(obj(at(env, "pipelines")) ?? {})) {
        if (at(pipeline, "capacity", "coreInstanceType") !== undefined) {
          report(["pipelines", name, "capacity", "coreInstanceType"], "the environment uses fleets, whose types are listed in fleets.core.instanceTypes; fix: remove coreInstanceType");
        }
        if (num(at(pipeline, "capacity", "taskCount")) && obj(at(env, "fleets", "task")) === undefined) {
          report(["pipelines", name, "capacity", "taskCount"], "the environment has no task fleet to size; fix: remove taskCount or add fleets.task");
        }
      }
    },
  },
];

// ---- pipelines -------------------------------------------------------------------------------------------------

/** A pipeline's runtime in this environment: its `pipelines.<name>.runtime`, else its declaration's (as loadPipelines). */
function runtimeOf(env: DraftConfig, name: string): unknown {
  return at(env, "pipelines", name, "runtime") ?? at((PIPELINES as Readonly<Record<string, unknown>>)[name], "runtime");
}

/** The environment's pipelines on `runtime`, by name. */
function pipelinesOn(env: DraftConfig, runtime: string): string[] {
  return Object.keys(obj(at(env, "pipelines")) ?? {}).filter((name) => runtimeOf(env, name) === runtime);
}

/** A declared pipeline's job and copy steps (leafSteps), each with its path as text; none when the name is unknown. */
function declaredLeafSteps(name: string): [LeafStep, string][] {
  const parsed = pipelineSchema.safeParse((PIPELINES as Readonly<Record<string, unknown>>)[name], PARSED_ONCE);
  if (!parsed.success) return [];
  return leafSteps(parsed.data.steps).map(([step, path]): [LeafStep, string] => [step, path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${p}`)).join("")]);
}

const pipelineChecks: ConfigCheck[] = [
  {
    name: "transientPipelineThroughput",
    area: "pipelines",
    rule:
      "An environment that runs a `transient` pipeline keeps the master and core groups' `ebs.throughputMiBps` at gp3's baseline 125: Step Functions' createCluster does not model `VolumeSpecification.Throughput`, so the pipeline's cluster gets the baseline and must match the environment's.",
    run(env, report) {
      const transient = pipelinesOn(env, "transient");
      if (transient.length === 0 || obj(at(env, "fleets")) !== undefined) return;
      for (const group of ["master", "core"] as const) {
        const throughput = num(at(env, "instances", group, "ebs", "throughputMiBps"));
        if (throughput !== undefined && throughput !== GP3_BASELINE_THROUGHPUT) {
          report(
            ["instances", group, "ebs", "throughputMiBps"],
            `${throughput} cannot reach the transient cluster of ${transient.join(", ")} (Step Functions' createCluster does not model Throughput); fix: leave it at ${GP3_BASELINE_THROUGHPUT}, or make those pipelines runtime "cluster"`,
          );
        }
      }
    },
  },
  {
    name: "scheduledPipelineOnIdleCluster",
    area: "pipelines",
    rule:
      'A `runtime: "cluster"` pipeline keeps its schedule (`pipelines.<name>.schedule`, on by default) only when the environment\'s cluster does not terminate itself when idle ' +
      "(`autoTermination.enabled: false`): EMR adds steps only to a live cluster, and an idle-terminated one stays gone until the next apply.",
    run(env, report) {
      // AddJobFlowSteps accepts steps only for a cluster in STARTING, BOOTSTRAPPING, RUNNING or WAITING
      // (https://docs.aws.amazon.com/emr/latest/APIReference/API_AddJobFlowSteps.html).
      if (at(env, "autoTermination", "enabled") !== true) return;
      const idle = num(at(env, "autoTermination", "idleTimeoutSeconds"));
      const declared = PIPELINES as Readonly<Record<string, unknown>>;
      for (const [name, pipeline] of Object.entries(obj(at(env, "pipelines")) ?? {})) {
        if (runtimeOf(env, name) !== "cluster" || obj(at(declared[name], "schedule")) === undefined) continue;
        if (at(pipeline, "schedule") === false) continue;
        report(
          ["pipelines", name, "schedule"],
          `${name} adds its steps to the environment's cluster, which terminates itself after ${idle ?? "its"} idle seconds (autoTermination.enabled), so scheduled runs fail once it has; fix: schedule: false (run it with pipeline run while the cluster is up), or autoTermination: { enabled: false }`,
        );
      }
    },
  },
  {
    name: "serverlessPipelineNeedsApplication",
    area: "pipelines",
    rule: 'A `runtime: "serverless"` pipeline needs `serverless.enabled`: its job runs go to the environment\'s EMR Serverless application.',
    run(env, report) {
      if (at(env, "serverless", "enabled") === true) return;
      for (const name of pipelinesOn(env, "serverless")) {
        report(["pipelines", name, "runtime"], `${name} runs on EMR Serverless, which this environment does not enable; fix: serverless: { enabled: true }, or another runtime for ${name}`);
      }
    },
  },
  {
    name: "serverlessPipelineNoCopySteps",
    area: "pipelines",
    rule: "A serverless pipeline has no copy steps: s3-dist-cp is a command of a cluster's nodes, and EMR Serverless runs Spark jobs only.",
    run(env, report) {
      for (const name of pipelinesOn(env, "serverless")) {
        for (const [step, path] of declaredLeafSteps(name)) {
          if (!("copy" in step)) continue;
          report(["pipelines", name, "runtime"], `${name} ${path} is a copy step (s3-dist-cp), which needs a cluster; fix: runtime "transient" or "cluster" for ${name}, or drop the copy step`);
        }
      }
    },
  },
  {
    name: "serverlessJobsNeedImage",
    area: "pipelines",
    rule:
      "A serverless pipeline whose jobs EMR Serverless's own image cannot run (`emrImageBlocker` in spark-jobs/catalog.json: pandas, or Python 3.10 syntax on its Python 3.9) needs `serverless.imageTag`, or the job would fail on AWS at import.",
    run(env, report) {
      if (at(env, "serverless", "enabled") !== true || str(at(env, "serverless", "imageTag")) !== undefined) return;
      for (const name of pipelinesOn(env, "serverless")) {
        const blocked = new Map<string, string>();
        for (const [step] of declaredLeafSteps(name)) {
          const job = "job" in step ? findJob(step.job) : undefined;
          if (job && typeof job !== "string" && job.emrImageBlocker !== null) blocked.set(job.name, job.emrImageBlocker);
        }
        if (blocked.size === 0) continue;
        const [first, why] = [...blocked][0];
        report(
          ["pipelines", name, "runtime"],
          `${name} runs ${[...blocked.keys()].join(", ")}, which EMR Serverless's own image (Python 3.9, no pandas) cannot run (${first}: ${why}); fix: npm run emr -- image push ${str(at(env, "name")) ?? "<env>"} and set serverless.imageTag to the tag it prints, or another runtime for ${name}`,
        );
      }
    },
  },
];

// ---- release ---------------------------------------------------------------------------------------------------

const releaseChecks: ConfigCheck[] = [
  {
    name: "pythonOnNodes",
    area: "release",
    rule: "`releaseLabel` is emr-7.0.0 or later (or emr-spark-x.y.z): the bootstrap installs the jobs' dependencies with python3.11, which emr-6 nodes lack.",
    run(env, report) {
      const label = str(at(env, "releaseLabel"));
      const major = label ? /^emr-(\d+)\.\d+\.\d+$/.exec(label)?.[1] : undefined;
      if (major !== undefined && Number(major) < 7) {
        report(["releaseLabel"], `${label} has no python3.11 on its nodes; fix: an emr-7.x release, e.g. emr-7.12.0`);
      }
    },
  },
];

// ---- serverless ------------------------------------------------------------------------------------------------

/**
 * Memory a worker of each vCPU size may have, GB (EMR Serverless guide, "Understanding application behavior in EMR
 * Serverless" > "Supported worker configurations").
 */
export const WORKER_MEMORY: Readonly<Record<number, { min: number; max: number; step: number }>> = {
  1: { min: 2, max: 8, step: 1 },
  2: { min: 4, max: 16, step: 1 },
  4: { min: 8, max: 30, step: 1 },
  8: { min: 16, max: 60, step: 4 },
  16: { min: 32, max: 120, step: 8 },
};

/** A pre-warmed pool's total of one dimension (cpu, memoryGb or diskGb) over its driver and executor workers. */
function initialTotal(env: DraftConfig, dimension: "cpu" | "memoryGb" | "diskGb"): number {
  return (["driver", "executor"] as const).reduce((sum, role) => {
    const worker = at(env, "serverless", "initialCapacity", role);
    // diskGb defaults to 20 GB per worker (environments/serverless.ts).
    const each = num(at(worker, dimension)) ?? (dimension === "diskGb" ? 20 : 0);
    return sum + (num(at(worker, "count")) ?? 0) * (obj(worker) ? each : 0);
  }, 0);
}

/**
 * No release check of its own: EMR Serverless runs emr-6.6.0 and later and the emr-spark-x.y.z runtimes ("Amazon EMR
 * Serverless release versions"), and its scheduler configuration needs emr-7.0.0 ("Job concurrency and queuing"), all
 * of which pythonOnNodes already demands of every environment.
 */
const serverlessChecks: ConfigCheck[] = [
  {
    name: "serverlessCapacityHoldsInitial",
    area: "serverless",
    // Pre-initialized workers are the application's own: a job takes them first, then more "up to the maximum limits on
    // resources set for the application" (EMR Serverless guide, "Pre-initialized capacity for working with an
    // application in EMR Serverless"), so a warm pool above the ceiling could never be held.
    rule: "`serverless.maximumCapacity` holds the pre-warmed `serverless.initialCapacity` (vCPU, memory and disk of every driver and executor worker together).",
    run(env, report) {
      if (!obj(at(env, "serverless", "initialCapacity"))) return;
      const dimensions = [["cpu", "cpuVcpu", "vCPU"], ["memoryGb", "memoryGb", "GB of memory"], ["diskGb", "diskGb", "GB of disk"]] as const;
      for (const [worker, maximum, unit] of dimensions) {
        const ceiling = num(at(env, "serverless", "maximumCapacity", maximum));
        const total = initialTotal(env, worker);
        if (ceiling !== undefined && total > ceiling) {
          report(
            ["serverless", "maximumCapacity", maximum],
            `${ceiling} is below the pre-warmed workers' ${total} ${unit} (serverless.initialCapacity); fix: maximumCapacity.${maximum}: ${total} or more, or fewer/smaller pre-warmed workers`,
          );
        }
      }
    },
  },
  {
    name: "serverlessWorkerShape",
    area: "serverless",
    rule: `Each pre-warmed \`serverless.initialCapacity\` worker's memory fits its vCPU (${Object.entries(WORKER_MEMORY)
      .map(([cpu, m]) => `${cpu} vCPU: ${m.min}–${m.max} GB`)
      .join(", ")}; 8 vCPU in 4 GB steps, 16 vCPU in 8 GB steps).`,
    run(env, report) {
      for (const role of ["driver", "executor"]) {
        const worker = at(env, "serverless", "initialCapacity", role);
        const cpu = num(at(worker, "cpu"));
        const memory = num(at(worker, "memoryGb"));
        const limits = cpu === undefined ? undefined : WORKER_MEMORY[cpu];
        if (limits === undefined || memory === undefined) continue;
        if (memory < limits.min || memory > limits.max || memory % limits.step !== 0) {
          report(
            ["serverless", "initialCapacity", role, "memoryGb"],
            `${memory} GB is not a ${cpu} vCPU worker's memory (${limits.min}–${limits.max} GB in ${limits.step} GB steps); fix: a memoryGb in that range, or another cpu`,
          );
        }
      }
    },
  },
  {
    name: "serverlessSettingsNeedEnabled",
    area: "serverless",
    rule: "`serverless.imageTag` and `serverless.initialCapacity` are set only with `serverless.enabled` (without it there is no application to run them).",
    run(env, report) {
      if (at(env, "serverless", "enabled") === true) return;
      for (const field of ["imageTag", "initialCapacity"]) {
        if (at(env, "serverless", field) === undefined) continue;
        report(["serverless", field], `is set but serverless.enabled is not, so nothing uses it; fix: serverless.enabled: true, or remove serverless.${field}`);
      }
    },
  },
];

// ---- network ---------------------------------------------------------------------------------------------------

/** The VPC's subnets are /4 splits of it (modules/network: cidrsubnet(vpcCidr, 4, i)). */
const SUBNET_NEWBITS = 4;

const networkChecks: ConfigCheck[] = [
  {
    name: "vpcCidr",
    area: "network",
    // CreateVpc: "The smallest VPC you can create uses a /28 netmask … and the largest uses a /16 netmask", and it
    // stores the block in canonical form (EC2 API reference, CreateVpc CidrBlock), so a non-canonical one diffs forever.
    rule: `\`network.vpcCidr\` is a canonical IPv4 block from /16 (AWS's largest VPC) to /24, so its subnets (1/${2 ** SUBNET_NEWBITS} each) are at least AWS's smallest, /28.`,
    run(env, report) {
      const text = str(at(env, "network", "vpcCidr"));
      if (at(env, "network", "mode") !== "create" || text === undefined) return;
      const path = ["network", "vpcCidr"];
      const cidr = parseCidr(text);
      if ("error" in cidr) return report(path, cidr.error.replace("e.g. 203.0.113.0/24 or 2001:db8::/48", "e.g. 10.40.0.0/16"));
      if (cidr.family !== 4) return report(path, "a VPC's primary block is IPv4; fix: e.g. 10.40.0.0/16");
      if (cidr.prefix < 16 || cidr.prefix > 32 - 4 - SUBNET_NEWBITS) {
        return report(path, `/${cidr.prefix} is outside /16–/24 (a VPC is /16 to /28, and each subnet is 1/16 of it, at least /28); fix: e.g. 10.40.0.0/16`);
      }
      if (networkAddress(cidr) !== cidr.address) report(path, `has host bits set (AWS stores ${canonical(cidr)}, so every plan would differ); fix: ${canonical(cidr)}`);
    },
  },
  {
    name: "zoneNames",
    area: "network",
    rule: "`network.zoneNames`, when set, names exactly `availabilityZones` zones, all in the environment's region.",
    run(env, report) {
      const names = at(env, "network", "zoneNames");
      if (at(env, "network", "mode") !== "create" || !Array.isArray(names)) return;
      const count = num(at(env, "network", "availabilityZones"));
      if (count !== undefined && names.length !== count) {
        report(["network", "zoneNames"], `names ${names.length} zones but availabilityZones is ${count}; fix: make them agree`);
      }
      const region = str(at(env, "region"));
      const foreign = names.filter((z) => region !== undefined && typeof z === "string" && !z.startsWith(region));
      if (foreign.length) report(["network", "zoneNames"], `${foreign.join(", ")} not in region ${region}; fix: use ${region}a, ${region}b, …`);
    },
  },
];

// ---- access ----------------------------------------------------------------------------------------------------

/** Shortest admin prefix per family: an IPv4 /8 is a large private range; an IPv6 /32 is a whole ISP allocation. */
const MIN_ADMIN_PREFIX = { 4: 8, 6: 32 } as const;
/** All RFC 1918 private space (10/8 + 172.16/12 + 192.168/16): the most IPv4 addresses admin CIDRs may cover together. */
const MAX_ADMIN_IPV4_ADDRESSES = 2n ** 24n + 2n ** 20n + 2n ** 16n;
/** One /32's worth: the most IPv6 addresses admin CIDRs may cover together. */
const MAX_ADMIN_IPV6_ADDRESSES = 2n ** 96n;

const accessChecks: ConfigCheck[] = [
  {
    name: "adminCidrs",
    area: "access",
    rule:
      "Each `access.adminCidrs` entry parses as a canonical IPv4 or IPv6 block no wider than /8 (IPv4) or /32 (IPv6), and together they cover at most " +
      "17,891,328 IPv4 addresses (all RFC 1918 space) and one IPv6 /32: the whole internet in pieces is still the whole internet.",
    run(env, report) {
      const parsed: Cidr[] = [];
      list(at(env, "access", "adminCidrs")).forEach((entry, i) => {
        const path = ["access", "adminCidrs", i];
        if (typeof entry !== "string") return;
        const cidr = parseCidr(entry);
        if ("error" in cidr) return report(path, cidr.error);
        const min = MIN_ADMIN_PREFIX[cidr.family];
        if (cidr.prefix < min) {
          const whole = cidr.prefix === 0 ? "the whole internet" : `${blockSize(cidr).toLocaleString("en-US")} addresses`;
          return report(path, `/${cidr.prefix} opens the cluster to ${whole} (admin CIDRs are /${min} or longer for IPv${cidr.family}); fix: use your office or VPN range, e.g. 203.0.113.0/24`);
        }
        if (networkAddress(cidr) !== cidr.address) return report(path, `has host bits set (AWS stores ${canonical(cidr)}, so every plan would differ); fix: ${canonical(cidr)}`);
        parsed.push(cidr);
      });
      for (const [family, max] of [[4, MAX_ADMIN_IPV4_ADDRESSES], [6, MAX_ADMIN_IPV6_ADDRESSES]] as const) {
        const covered = coveredAddresses(parsed.filter((c) => c.family === family));
        if (covered > max) {
          report(
            ["access", "adminCidrs"],
            `together cover ${covered.toLocaleString("en-US")} IPv${family} addresses, more than the ${max.toLocaleString("en-US")} allowed; fix: list only your office and VPN ranges`,
          );
        }
      }
    },
  },
  {
    name: "accessNeedsCidrs",
    area: "access",
    rule: "`access.webUiIngress` and `access.keyPairName` each need at least one `access.adminCidrs` entry.",
    run(env, report) {
      const none = list(at(env, "access", "adminCidrs")).length === 0;
      if (at(env, "access", "webUiIngress") === true && none) {
        report(["access", "webUiIngress"], "is on but access.adminCidrs is empty; fix: add your VPN range or turn it off and use SSH tunnels");
      }
      if (str(at(env, "access", "keyPairName")) && none) {
        report(["access", "adminCidrs"], "a key pair is set but no CIDR may reach SSH; fix: add your VPN range, e.g. 10.0.0.0/8");
      }
    },
  },
];

// ---- TLS -------------------------------------------------------------------------------------------------------

const tlsChecks: ConfigCheck[] = [
  {
    name: "certificateKeyNeedsZip",
    area: "tls",
    rule: "`tls.certificateKmsKeyArn` is set only with `tls.certificateZipS3Uri` (generated certificates use the platform key).",
    run(env, report) {
      if (at(env, "tls", "certificateKmsKeyArn") && !at(env, "tls", "certificateZipS3Uri")) {
        report(["tls", "certificateKmsKeyArn"], "is set but tls.certificateZipS3Uri is not (generated certificates use the platform key); fix: name the zip or remove the key");
      }
    },
  },
];

// ---- names -----------------------------------------------------------------------------------------------------

/** S3 allows 63 characters; Terraform's bucket_prefix adds a 26-character unique suffix. */
const BUCKET_PREFIX_MAX = 63 - 26;
/** The longest bucket prefix the storage module builds: `<project>-<env>-artifacts-`. */
const longestBucketPrefix = (project: string, env: string) => `${project}-${env}-artifacts-`;

/** The longest `project` each environment allows. */
export function maxProjectLength(env: string): number {
  return BUCKET_PREFIX_MAX - longestBucketPrefix("", env).length;
}

/** S3 general purpose bucket naming rules (Amazon S3 User Guide, "General purpose bucket naming rules"). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `is ${name.length} characters; S3 bucket names are 3–63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return "may hold only lowercase letters, digits, . and -";
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return "must begin and end with a letter or digit";
  if (name.includes("..")) return "must not contain two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not look like an IP address";
  const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => name.startsWith(p));
  if (prefix) return `must not start with the reserved prefix ${prefix}`;
  const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((s) => name.endsWith(s));
  if (suffix) return `must not end with the reserved suffix ${suffix}`;
  return undefined;
}

const nameChecks: ConfigCheck[] = [
  {
    name: "projectCharacters",
    area: "names",
    rule: "`project` is lowercase letters, digits and -, starting with a letter (it prefixes every resource and bucket name).",
    run(env, report) {
      const project = str(at(env, "project"));
      if (project !== undefined && !/^[a-z][a-z0-9-]*$/.test(project)) {
        report(["project"], "lowercase letters, digits and - only, starting with a letter; fix: e.g. emr-platform");
      }
    },
  },
  {
    name: "projectLength",
    area: "names",
    rule:
      `\`project\` fits S3 bucket names: \`<project>-<env>-artifacts-\` is at most ${BUCKET_PREFIX_MAX} characters (63 minus Terraform's 26-character unique suffix), ` +
      `so \`project\` is at most ${ENVIRONMENT_NAMES.map((e) => `${maxProjectLength(e)} (${e})`).join(", ")} characters.`,
    run(env, report) {
      const project = str(at(env, "project"));
      const name = str(at(env, "name"));
      if (project === undefined || name === undefined) return;
      const max = maxProjectLength(name);
      if (project.length > max) {
        report(
          ["project"],
          `is ${project.length} characters, too long for ${name}: bucket prefixes like "${longestBucketPrefix(project, name)}" must fit ${BUCKET_PREFIX_MAX} characters (S3's 63 minus the unique suffix); fix: at most ${max} characters in ${name}`,
        );
      }
    },
  },
  {
    name: "stateBucketName",
    area: "names",
    rule: "`stateBackend.bucket` follows the S3 bucket naming rules: 3–63 characters of lowercase letters, digits, . and -, starting and ending with a letter or digit, no `..`, not an IP address, no reserved prefix or suffix.",
    run(env, report) {
      const bucket = str(at(env, "stateBackend", "bucket"));
      if (at(env, "stateBackend", "type") !== "s3" || bucket === undefined) return;
      const problem = bucketNameProblem(bucket);
      if (problem) report(["stateBackend", "bucket"], `${problem} (S3 bucket naming rules); fix: e.g. emr-platform-terraform-state`);
    },
  },
];

// ---- endpoint --------------------------------------------------------------------------------------------------

const endpointChecks: ConfigCheck[] = [
  {
    name: "localEndpoint",
    area: "endpoint",
    rule: "The `local` environment sets `endpoint`, and no other environment does.",
    run(env, report) {
      const endpoint = at(env, "endpoint");
      if (env.name === "local" && !endpoint) {
        report(["endpoint"], 'the local environment needs a local AWS endpoint; fix: "http://localhost:5000"');
      }
      if (env.name !== "local" && endpoint) {
        report(["endpoint"], `only the local environment may point at a custom endpoint (got ${String(endpoint)}); fix: remove it`);
      }
    },
  },
];

// ---- production posture ----------------------------------------------------------------------------------------

const prodPosture: ConfigCheck[] = [
  {
    name: "prodTerminationProtection",
    area: "prod",
    rule: "prod sets `terminationProtection: true` (the default is off, so leaving the line out is refused too).",
    run(env, report) {
      if (env.name === "prod" && at(env, "terminationProtection") !== true) {
        report(["terminationProtection"], "prod must refuse API termination; fix: terminationProtection: true");
      }
    },
  },
  {
    name: "prodMasterOnDemand",
    area: "prod",
    rule: "prod's master is `ON_DEMAND`: losing the master loses the cluster.",
    run(env, report) {
      if (env.name !== "prod") return;
      if (usesFleets(env)) {
        if (targets(env, "master").spot > 0) report(["fleets", "master", "targetSpotCapacity"], "a spot master in prod: losing the master loses the cluster; fix: targetSpotCapacity: 0, targetOnDemandCapacity: 1");
      } else if (at(env, "instances", "master", "market") === "SPOT") {
        report(["instances", "master", "market"], "SPOT master in prod: losing the master loses the cluster; fix: ON_DEMAND");
      }
    },
  },
  {
    name: "prodCoreOnDemand",
    area: "prod",
    rule: "prod's core nodes are on-demand (HDFS lives there): an `ON_DEMAND` core group, or a core fleet with no spot target whose managed `maxCoreCapacity` stays within `maxOnDemandCapacity`.",
    run(env, report) {
      if (env.name !== "prod") return;
      if (!usesFleets(env)) {
        if (at(env, "instances", "core", "market") === "SPOT") report(["instances", "core", "market"], "SPOT core nodes in prod lose HDFS blocks on interruption; fix: ON_DEMAND");
        return;
      }
      if (targets(env, "core").spot > 0) report(["fleets", "core", "targetSpotCapacity"], "spot core units in prod lose HDFS blocks on interruption; fix: targetSpotCapacity: 0");
      const maxCore = num(at(env, "scaling", "managed", "maxCoreCapacity"));
      const maxOnDemand = num(at(env, "scaling", "managed", "maxOnDemandCapacity"));
      if (obj(at(env, "scaling", "managed")) && maxOnDemand !== undefined && (maxCore === undefined || maxCore > maxOnDemand)) {
        report(["scaling", "managed", "maxCoreCapacity"], `${maxCore ?? "(unset)"} lets managed scaling add spot core units beyond maxOnDemandCapacity ${maxOnDemand}; fix: maxCoreCapacity <= maxOnDemandCapacity`);
      }
    },
  },
  {
    name: "prodCertificates",
    area: "prod",
    rule: "prod names its own TLS certificates (`tls.certificateZipS3Uri`): generated ones keep their private key in Terraform state.",
    run(env, report) {
      if (env.name === "prod" && obj(at(env, "tls")) && !at(env, "tls", "certificateZipS3Uri")) {
        report(["tls", "certificateZipS3Uri"], "prod needs certificates you manage (generated ones keep their private key in Terraform state); fix: s3://bucket/path/certs.zip");
      }
    },
  },
  {
    name: "prodRemoteState",
    area: "prod",
    rule: "prod keeps its Terraform state in S3 (`stateBackend.type: \"s3\"`).",
    run(env, report) {
      const backend = obj(at(env, "stateBackend"));
      if (env.name === "prod" && backend && backend.type !== "s3") {
        report(["stateBackend"], 'prod keeps its state locally; fix: { type: "s3", bucket: "<state bucket>" }');
      }
    },
  },
];

/** Every check, in the order the README lists them. */
export const CONFIG_CHECKS: readonly ConfigCheck[] = [
  ...scalingChecks,
  ...instanceChecks,
  ...fleetChecks,
  ...pipelineChecks,
  ...releaseChecks,
  ...serverlessChecks,
  ...networkChecks,
  ...accessChecks,
  ...tlsChecks,
  ...nameChecks,
  ...endpointChecks,
  ...prodPosture,
];

/** Runs every check over a (possibly partial) config. */
export function runConfigChecks(env: DraftConfig, report: Report): void {
  for (const check of CONFIG_CHECKS) check.run(env, report);
}

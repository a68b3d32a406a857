import { loadEnvironment, parseEnvironment, environmentInput } from "../../environments";
import type { ClassificationsConfig } from "../../environments/schema";
import { buildClassifications, renderConfigurationsJson, type EmrConfiguration } from "../../modules/emr-cluster/classifications";

const defaults: ClassificationsConfig = loadEnvironment("dev").classifications;

function classification(configs: EmrConfiguration[], name: string): EmrConfiguration {
  const found = configs.filter((c) => c.Classification === name);
  if (found.length !== 1) throw new Error(`expected one ${name} classification, found ${found.length}`);
  return found[0];
}

describe("buildClassifications", () => {
  test("spark-defaults turn on dynamic allocation, the shuffle service, AQE, Kryo, Arrow and dynamic partition overwrite", () => {
    expect(classification(buildClassifications(defaults), "spark-defaults").Properties).toEqual({
      "spark.dynamicAllocation.enabled": "true",
      "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
      "spark.shuffle.service.enabled": "true",
      "spark.sql.adaptive.coalescePartitions.enabled": "true",
      "spark.sql.adaptive.enabled": "true",
      "spark.sql.execution.arrow.pyspark.enabled": "true",
      "spark.sql.sources.partitionOverwriteMode": "dynamic",
    });
  });

  test("spark-env exports python3.11 for executors and driver in a nested export classification, with empty parent properties", () => {
    expect(classification(buildClassifications(defaults), "spark-env")).toEqual({
      Classification: "spark-env",
      Configurations: [
        {
          Classification: "export",
          Properties: { PYSPARK_DRIVER_PYTHON: "/usr/bin/python3.11", PYSPARK_PYTHON: "/usr/bin/python3.11" },
        },
      ],
      Properties: {},
    });
  });

  test("yarn-site turns the vmem check off and capacity-scheduler uses the DominantResourceCalculator", () => {
    const configs = buildClassifications(defaults);
    expect(classification(configs, "yarn-site").Properties).toEqual({ "yarn.nodemanager.vmem-check-enabled": "false" });
    expect(classification(configs, "capacity-scheduler").Properties).toEqual({
      "yarn.scheduler.capacity.resource-calculator": "org.apache.hadoop.yarn.util.resource.DominantResourceCalculator",
    });
  });

  test("leaf classifications carry no Configurations key (EMR returns none; an empty list would diff)", () => {
    for (const c of buildClassifications(defaults).filter((c) => c.Classification !== "spark-env")) {
      expect(Object.keys(c)).toEqual(["Classification", "Properties"]);
    }
  });

  test("applicationMastersOnDemand labels YARN nodes so ApplicationMasters run on on-demand nodes only", () => {
    expect(classification(buildClassifications(defaults, { applicationMastersOnDemand: true }), "yarn-site").Properties).toEqual({
      "yarn.node-labels.am.default-node-label-expression": "ON_DEMAND",
      "yarn.node-labels.enabled": "true",
      "yarn.nodemanager.vmem-check-enabled": "false",
    });
  });

  test("the Glue Data Catalog is always the Hive metastore (every environment has its catalog)", () => {
    expect(classification(buildClassifications(defaults), "spark-hive-site").Properties).toEqual({
      "hive.metastore.client.factory.class": "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory",
    });
  });

  test("environment overrides merge over the defaults and win", () => {
    const config = parseEnvironment({
      ...environmentInput("dev"),
      classifications: {
        sparkDefaults: { "spark.dynamicAllocation.enabled": "false", "spark.executor.memory": "8g" },
        sparkEnv: { PYSPARK_PYTHON: "/opt/venv/bin/python" },
        yarnSite: { "yarn.node-labels.enabled": "false" },
        capacityScheduler: { "yarn.scheduler.capacity.maximum-am-resource-percent": "0.5" },
      },
    }).classifications;
    const configs = buildClassifications(config, { applicationMastersOnDemand: true });
    expect(classification(configs, "spark-defaults").Properties).toMatchObject({
      "spark.dynamicAllocation.enabled": "false",
      "spark.executor.memory": "8g",
      "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    });
    expect(classification(configs, "spark-env").Configurations?.[0].Properties).toEqual({
      PYSPARK_DRIVER_PYTHON: "/usr/bin/python3.11",
      PYSPARK_PYTHON: "/opt/venv/bin/python",
    });
    expect(classification(configs, "yarn-site").Properties?.["yarn.node-labels.enabled"]).toBe("false");
    expect(classification(configs, "capacity-scheduler").Properties).toMatchObject({
      "yarn.scheduler.capacity.maximum-am-resource-percent": "0.5",
      "yarn.scheduler.capacity.resource-calculator": "org.apache.hadoop.yarn.util.resource.DominantResourceCalculator",
    });
  });
});

describe("renderConfigurationsJson", () => {
  test("differently ordered inputs give byte-identical JSON", () => {
    const a: ClassificationsConfig = {
      ...defaults,
      sparkDefaults: { "spark.z": "1", "spark.a": "2", "spark.m": "3" },
      yarnSite: { "yarn.b": "1", "yarn.a": "2" },
    };
    const b: ClassificationsConfig = {
      capacityScheduler: {},
      yarnSite: { "yarn.a": "2", "yarn.b": "1" },
      sparkEnv: {},
      sparkDefaults: { "spark.m": "3", "spark.a": "2", "spark.z": "1" },
    };
    expect(renderConfigurationsJson(a)).toBe(renderConfigurationsJson(b));
  });

  test("classifications and property keys come out sorted", () => {
    const parsed = JSON.parse(renderConfigurationsJson({ ...defaults, sparkDefaults: { "a.first": "1" } })) as EmrConfiguration[];
    const names = parsed.map((c) => c.Classification);
    expect(names).toEqual(["capacity-scheduler", "spark-defaults", "spark-env", "spark-hive-site", "yarn-site"]);
    const keys = Object.keys(parsed[1].Properties ?? {});
    expect(keys).toEqual([...keys].sort());
    expect(keys[0]).toBe("a.first");
  });
});

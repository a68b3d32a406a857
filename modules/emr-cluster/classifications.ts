/**
 * The cluster's software configuration (EMR "classifications"): our Spark/YARN defaults with the environment's
 * overrides merged on top, serialized deterministically.
 *
 * `configurations_json` forces a new cluster when it changes, so the JSON must come out byte-identical for the same
 * settings: classifications and property keys are sorted, and the shape matches what EMR returns (a parent
 * classification such as spark-env carries `"Properties": {}`, a leaf carries no `Configurations`), which is what the
 * provider compares against.
 */
import type { ClassificationsConfig } from "../../environments/schema";

/** The Python the jobs' dependencies are installed for (EMR 7 / Amazon Linux 2023 nodes). */
export const CLUSTER_PYTHON = "/usr/bin/python3.11";

/**
 * Spark's Hive client reads table definitions from the AWS Glue Data Catalog (EMR guide "Use the AWS Glue Data Catalog
 * as the Apache Spark metastore"; EMR Serverless guide "Metastore configuration"). Always on: every environment has
 * its catalog (modules/catalog).
 */
export const GLUE_CATALOG_FACTORY = "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory";
const GLUE_METASTORE: Record<string, string> = { "hive.metastore.client.factory.class": GLUE_CATALOG_FACTORY };

/**
 * The same metastore for an EMR Serverless application: its runtime configuration takes no spark-hive-site, so the
 * property goes to spark-defaults with Spark's `spark.hadoop.` prefix (EMR Serverless guide, "Using the AWS Glue Data
 * Catalog as a metastore").
 */
export const SERVERLESS_GLUE_METASTORE: { readonly classification: string; readonly properties: Record<string, string> } = {
  classification: "spark-defaults",
  properties: Object.fromEntries(Object.entries(GLUE_METASTORE).map(([k, v]) => [`spark.hadoop.${k}`, v])),
};

/** One EMR Configuration object (API shape). */
export interface EmrConfiguration {
  readonly Classification: string;
  readonly Configurations?: EmrConfiguration[];
  readonly Properties?: Record<string, string>;
}

export interface ClassificationOptions {
  /**
   * Keep YARN ApplicationMasters on on-demand nodes (EMR >= 7.2 "AM label awareness"): losing a spot task node then
   * costs executors, not whole applications. Only sensible when there are on-demand core nodes to run them.
   * @default false
   */
  readonly applicationMastersOnDemand?: boolean;
}

const SPARK_DEFAULTS: Record<string, string> = {
  "spark.dynamicAllocation.enabled": "true",
  // Dynamic allocation hands executors back; the external shuffle service keeps their shuffle files readable.
  "spark.shuffle.service.enabled": "true",
  "spark.sql.adaptive.enabled": "true",
  "spark.sql.adaptive.coalescePartitions.enabled": "true",
  "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
  "spark.sql.execution.arrow.pyspark.enabled": "true",
  // Overwrite only the partitions a job writes, never the whole table.
  "spark.sql.sources.partitionOverwriteMode": "dynamic",
};

const SPARK_ENV_EXPORTS: Record<string, string> = {
  PYSPARK_PYTHON: CLUSTER_PYTHON,
  PYSPARK_DRIVER_PYTHON: CLUSTER_PYTHON,
};

const YARN_SITE: Record<string, string> = {
  // Java reserves far more virtual than physical memory; the vmem check kills healthy Spark containers.
  "yarn.nodemanager.vmem-check-enabled": "false",
};

const AM_ON_DEMAND: Record<string, string> = {
  "yarn.node-labels.enabled": "true",
  "yarn.node-labels.am.default-node-label-expression": "ON_DEMAND",
};

const CAPACITY_SCHEDULER: Record<string, string> = {
  // Schedule on CPU as well as memory, so executors asking for several cores don't oversubscribe a node.
  "yarn.scheduler.capacity.resource-calculator": "org.apache.hadoop.yarn.util.resource.DominantResourceCalculator",
};

function sortedProperties(properties: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function leaf(classification: string, properties: Record<string, string>): EmrConfiguration {
  return { Classification: classification, Properties: sortedProperties(properties) };
}

function byClassification(a: EmrConfiguration, b: EmrConfiguration): number {
  return a.Classification < b.Classification ? -1 : a.Classification > b.Classification ? 1 : 0;
}

/** Builder defaults with `config` merged over them (overrides win), sorted by classification and property key. */
export function buildClassifications(config: ClassificationsConfig, options: ClassificationOptions = {}): EmrConfiguration[] {
  const yarnSite = { ...YARN_SITE, ...(options.applicationMastersOnDemand ? AM_ON_DEMAND : {}), ...config.yarnSite };
  const configurations: EmrConfiguration[] = [
    leaf("spark-defaults", { ...SPARK_DEFAULTS, ...config.sparkDefaults }),
    {
      Classification: "spark-env",
      Configurations: [leaf("export", { ...SPARK_ENV_EXPORTS, ...config.sparkEnv })],
      Properties: {},
    },
    leaf("yarn-site", yarnSite),
    leaf("capacity-scheduler", { ...CAPACITY_SCHEDULER, ...config.capacityScheduler }),
    leaf("spark-hive-site", GLUE_METASTORE),
  ];
  return configurations.sort(byClassification);
}

/** Compact JSON of buildClassifications(); equal settings give byte-identical output whatever their input order. */
export function renderConfigurationsJson(config: ClassificationsConfig, options: ClassificationOptions = {}): string {
  return JSON.stringify(buildClassifications(config, options));
}

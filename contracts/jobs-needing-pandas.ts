/**
 * Which catalogue jobs import pandas (and with it pyarrow): EMR Serverless's own image runs Python 3.9 without
 * them, so these run on serverless only with the jobs' image (`serverless.imageTag`). spark-jobs/catalog.json has no
 * such fact yet, so the list lives here, once; test/pipeline/serverless-runtime.test.ts imports every job's module
 * and fails when this list and the imports disagree.
 */
import { findJob } from "./job-catalog";

export const JOBS_NEEDING_PANDAS: readonly string[] = ["smoke_test", "financial_data_processor", "compare"];

/** Whether the job (a name or alias) needs pandas; an unknown job is not this function's to report. */
export function needsPandas(job: string): boolean {
  const found = findJob(job);
  return typeof found !== "string" && JOBS_NEEDING_PANDAS.includes(found.name);
}

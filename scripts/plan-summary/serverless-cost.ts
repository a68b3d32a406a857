/**
 * What an enabled EMR Serverless application can cost per hour: at its maximum capacity (the ceiling it bounds), and
 * for its pre-warmed workers, billed while the application is started even when no job runs ("Pre-initialized
 * capacity for working with an application in EMR Serverless"). vCPU-hours and memory GB-hours at the architecture's
 * rates; ephemeral storage only beyond the GB every worker includes.
 */
import type { EnvironmentConfig } from "../../environments";
import { serverlessRates, SERVERLESS_PRICE_TABLE, type ServerlessPriceTable, type ServerlessRates } from "../../environments/serverless-prices";
import type { ServerlessWorker } from "../../environments/serverless";

/** The largest worker EMR Serverless offers, vCPU ("Understanding application behavior in EMR Serverless"). */
export const LARGEST_WORKER_VCPU = 16;

export interface ServerlessCost {
  readonly architecture: "ARM64" | "X86_64";
  readonly maximumCapacity: { readonly cpuVcpu: number; readonly memoryGb: number; readonly diskGb: number };
  /** USD per hour with every vCPU, GB of memory and billable GB of disk of the maximum capacity in use. */
  readonly maximumHourly: number;
  /** Pre-warmed driver and executor workers, USD per hour while the application is started; 0 without any. */
  readonly prewarmedHourly: number;
  readonly prewarmedWorkers: number;
}

/** The summary's view: the cost, or why there is none. */
export type ServerlessCostEstimate = { readonly cost: ServerlessCost } | { readonly unknown: string };

const compute = (rates: ServerlessRates, cpu: number, memoryGb: number) => cpu * rates.vcpuHour + memoryGb * rates.memoryGbHour;

function workerHourly(rates: ServerlessRates, worker: ServerlessWorker): number {
  const storage = Math.max(0, worker.diskGb - rates.freeStorageGbPerWorker) * rates.storageGbHour;
  return worker.count * (compute(rates, worker.cpu, worker.memoryGb) + storage);
}

export function estimateServerlessCost(table: ServerlessPriceTable, config: Pick<EnvironmentConfig, "region" | "serverless">): ServerlessCostEstimate {
  const { architecture, maximumCapacity, initialCapacity } = config.serverless;
  const rates = serverlessRates(table, config.region, architecture);
  if (!rates) return { unknown: `no EMR Serverless price for ${config.region}; fix: add the region to ${SERVERLESS_PRICE_TABLE}` };
  // An upper bound: the fewest workers the vCPU ceiling allows (all of the largest size) include the least free disk.
  const fewestWorkers = Math.ceil(maximumCapacity.cpuVcpu / LARGEST_WORKER_VCPU);
  const billableDisk = Math.max(0, maximumCapacity.diskGb - fewestWorkers * rates.freeStorageGbPerWorker);
  const workers = [initialCapacity?.driver, initialCapacity?.executor].filter((w): w is ServerlessWorker => w !== undefined);
  return {
    cost: {
      architecture,
      maximumCapacity,
      maximumHourly: compute(rates, maximumCapacity.cpuVcpu, maximumCapacity.memoryGb) + billableDisk * rates.storageGbHour,
      prewarmedHourly: workers.reduce((sum, w) => sum + workerHourly(rates, w), 0),
      prewarmedWorkers: workers.reduce((n, w) => n + w.count, 0),
    },
  };
}

/**
 * EMR Serverless, the second runtime beside the cluster: one Spark application per environment, off unless the
 * environment enables it. The same jobs, arguments and job bundle run on either runtime; a pipeline picks its runtime
 * (environments/pipelines.ts), and an environment may move one pipeline to serverless (`pipelines.<name>.runtime`).
 *
 * Limits are EMR Serverless's (docs: "Application configuration" / CreateApplication API): worker vCPU 1, 2, 4, 8 or
 * 16; memory per worker 2–120 GB; disk per worker 20–200 GB; idle timeout 1–10080 minutes; a scheduler's
 * maxConcurrentRuns 1–1000 and queueTimeoutMinutes 15–720 (emr-7.0.0 and later).
 */
import { z } from "zod";

const worker = z
  .object({
    count: z.number().int().min(1, "below 1 worker; fix: 1 or more").max(1000, "above 1000 workers; fix: a smaller pre-warmed pool"),
    cpu: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8), z.literal(16)]).describe("vCPU per worker: 1, 2, 4, 8 or 16."),
    memoryGb: z.number().int().min(2, "below 2 GB per worker; fix: 2–120").max(120, "above 120 GB per worker; fix: 2–120"),
    diskGb: z.number().int().min(20, "below 20 GB per worker; fix: 20–200").max(200, "above 200 GB per worker; fix: 20–200").default(20),
  })
  .strict();

export const serverlessSchema = z
  .object({
    enabled: z.boolean().default(false).describe("Create the EMR Serverless application, its job role and image repository."),
    architecture: z
      .enum(["ARM64", "X86_64"])
      .default("ARM64")
      .describe("Graviton (ARM64) is priced about 20% below x86 per vCPU-hour and GB-hour, and every wheel the jobs pin (numpy, pandas, pyarrow) ships for aarch64."),
    maximumCapacity: z
      .object({
        cpuVcpu: z.number().int().min(1).max(400_000).default(64).describe("Most vCPU the application's workers may hold at once."),
        memoryGb: z.number().int().min(1).max(3_000_000).default(256).describe("Most memory (GB) at once."),
        diskGb: z.number().int().min(20).max(20_000_000).default(1000).describe("Most disk (GB) at once."),
      })
      .strict()
      .prefault({})
      .describe("The application's ceiling: it bounds both cost and what a runaway job can take."),
    autoStart: z.boolean().default(true).describe("Start the application when a job is submitted to it."),
    autoStopIdleMinutes: z
      .number()
      .int()
      .min(1, "below 1 minute; fix: 1–10080")
      .max(10080, "above 10080 minutes (7 days); fix: e.g. 15")
      .default(15)
      .describe("Stop the application after this many idle minutes (pre-warmed workers are released then)."),
    initialCapacity: z
      .object({ driver: worker.optional(), executor: worker.optional() })
      .strict()
      .optional()
      .describe("Pre-warmed workers, billed while the application is started: jobs start in seconds instead of minutes."),
    scheduler: z
      .object({
        maxConcurrentRuns: z.number().int().min(1, "below 1; fix: 1–1000").max(1000, "above 1000; fix: 1–1000").default(10),
        queueTimeoutMinutes: z.number().int().min(15, "below 15 minutes; fix: 15–720").max(720, "above 720 minutes; fix: 15–720").default(360),
      })
      .strict()
      .prefault({})
      .describe("Runs beyond maxConcurrentRuns wait in a queue; a run queued longer than queueTimeoutMinutes fails."),
    imageTag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "not an image tag; fix: the tag `npm run emr -- image push <env>` printed")
      .optional()
      .describe("Tag of the jobs' image in the stack's ECR repository (pushed by `npm run emr -- image push <env>`). Unset: EMR's own image, Python 3.9 without pandas, so jobs that need pandas are refused."),
  })
  .strict();

export type ServerlessConfig = z.output<typeof serverlessSchema>;
export type ServerlessWorker = z.output<typeof worker>;

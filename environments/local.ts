import type { EnvironmentInput } from "./schema";

/**
 * Everything against a local AWS endpoint (moto's server): no credentials, no account checks, path-style S3, local
 * state. Override the endpoint with EMR_LOCAL_ENDPOINT.
 */
export const local: EnvironmentInput = {
  name: "local",
  region: "us-east-1",
  endpoint: "http://localhost:5000",
  network: { mode: "create", vpcCidr: "10.50.0.0/16", availabilityZones: 2, natGateways: "single" },
  instances: {
    master: { instanceType: "m5.xlarge", count: 1, market: "ON_DEMAND" },
    core: { instanceType: "m5.xlarge", count: 1, market: "ON_DEMAND" },
    task: { instanceType: "m5.xlarge", count: 0, market: "SPOT" },
  },
  autoTermination: { enabled: true, idleTimeoutSeconds: 3600 },
  storage: { forceDestroy: true },
  alarms: { enabled: false },
  stateBackend: { type: "local" },
  // moto runs no containers and the local runner runs every job with the repository's venv (Python 3.11 with pandas),
  // so this tag names no pushed image: it only states that the jobs' Python is there (serverlessJobsNeedImage).
  serverless: { enabled: true, imageTag: "local-venv" },
  // The stream exists on moto's Kinesis, so `stream put local` has somewhere to write.
  streaming: { enabled: true },
  // trackerDaily runs on EMR Serverless here, so `pipeline run local trackerDaily --local` and the three-day test run a
  // serverless pipeline end to end.
  pipelines: { financialDaily: { schedule: false, trigger: false }, trackerDaily: { schedule: false, runtime: "serverless" } },
};

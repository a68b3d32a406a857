/**
 * The CDKTF app: one EmrPlatformStack per environment, each with its own state. Nothing else lives here; a refused
 * config or a policy finding prints as one block of findings (modules/synthesize.ts).
 */
import { loadAllEnvironments } from "./environments";
import { EmrPlatformStack } from "./modules/platform-stack";
import { stackId } from "./modules/outputs";
import { synthesize } from "./modules/synthesize";

process.exitCode = synthesize((app) => {
  for (const env of loadAllEnvironments()) new EmrPlatformStack(app, stackId(env.name), env);
});

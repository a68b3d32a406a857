/**
 * The CDKTF app: one EmrPlatformStack per environment, each with its own state. Nothing else lives here.
 */
import { App } from "cdktf";
import { ConfigError, loadAllEnvironments } from "./environments";
import { EmrPlatformStack } from "./modules/platform-stack";
import { stackId } from "./modules/outputs";

try {
  const app = new App();
  for (const env of loadAllEnvironments()) new EmrPlatformStack(app, stackId(env.name), env);
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

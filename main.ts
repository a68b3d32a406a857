/**
 * The CDKTF app: one EmrPlatformStack per environment, each with its own state. Nothing else lives here; a refused
 * config or a policy finding prints as one block of findings (modules/synthesize.ts).
 */
import type * as Environments from "./environments";
import type * as PlatformStack from "./modules/platform-stack";
import type * as Outputs from "./contracts/stack-outputs";
import type * as Synthesize from "./modules/synthesize";
import { skipTokenStackTraces } from "./modules/token-stack-traces";

// Before any module loads: tsx turns source maps on, and Node then decodes the inline map of every module it loads
// (cdktf and @cdktf/provider-aws ship large ones), about a quarter of synth's time and 30 MB (npm run bench).
// Findings print without a stack; SYNTH_SOURCE_MAPS=1 maps a bug's stack trace back to the TypeScript.
if (process.env.SYNTH_SOURCE_MAPS !== "1") {
  process.setSourceMapsEnabled(false);
  skipTokenStackTraces();
}

// Loaded only now, after the switch above: value imports would load first; type imports are erased.
/* eslint-disable @typescript-eslint/no-require-imports */
const { loadAllEnvironments } = require("./environments") as typeof Environments;
const { EmrPlatformStack } = require("./modules/platform-stack") as typeof PlatformStack;
const { stackId } = require("./contracts/stack-outputs") as typeof Outputs;
const { synthesize } = require("./modules/synthesize") as typeof Synthesize;
/* eslint-enable @typescript-eslint/no-require-imports */

process.exitCode = synthesize((app) => {
  for (const env of loadAllEnvironments()) new EmrPlatformStack(app, stackId(env.name), env);
});

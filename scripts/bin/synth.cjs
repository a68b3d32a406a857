#!/usr/bin/env node
// `npm run synth` and cdktf.json's app: runs main.ts's bundle, build/main.cjs, rebuilt first when a source is newer
// (compiled.cjs). SYNTH_SOURCE_MAPS=1 maps stack traces back to the TypeScript.
"use strict";
// main.ts synthesizes synchronously: once it has returned, all that is left before a natural exit is V8 finishing the
// incremental garbage collection it started near the end (~40 ms, --trace-gc), which the process no longer needs.
// process.exit skips it; exit handlers (the code cache's) still run, and so does the exit code main.ts set. Not
// while output is still queued (stdout or stderr to a pipe where Node writes those asynchronously). A failure
// rejects instead, and is reported as before.
void require("./compiled.cjs")
  .run("main")
  .then(() => {
    if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
  });

#!/usr/bin/env node
// `npm run synth` and cdktf.json's app: runs main.ts's bundle, build/main.cjs, rebuilt first when a source is newer
// (compiled.cjs). SYNTH_SOURCE_MAPS=1 maps stack traces back to the TypeScript.
"use strict";
void require("./compiled.cjs").run("main");

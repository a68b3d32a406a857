#!/usr/bin/env node
// Package bin `emr`: runs the CLI's bundle, build/emr.cjs, rebuilt first when a source is newer (compiled.cjs).
"use strict";
void require("./compiled.cjs").run("emr");

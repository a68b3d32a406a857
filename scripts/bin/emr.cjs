#!/usr/bin/env node
// Package bin `emr`: registers tsx's CommonJS loader, then runs the TypeScript entry point as is.
"use strict";
require("tsx/cjs");
require("../emr.ts");

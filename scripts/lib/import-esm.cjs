// import() for the bundles: code that scripts/bin/code-cache.cjs compiles from V8's cached data has no dynamic-import
// callback on Node 20 (a vm.Script given cachedData drops importModuleDynamically: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING
// at the first import), so our few imports of ES-module-only packages (execa) go through this file, which stays out of
// the bundles (compiled.cjs keeps it external) and is compiled by Node's own loader.
"use strict";

/** `import(specifier)`, resolved from this folder (the repository's node_modules). */
exports.importEsm = (specifier) => import(specifier);

// Preload (`node --require`): prints every module file the process loaded, as one JSON line on stderr at exit.
"use strict";
process.on("exit", () => process.stderr.write(`${JSON.stringify(Object.keys(require.cache))}\n`));

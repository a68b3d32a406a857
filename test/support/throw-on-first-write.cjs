// Preload (`node --require`): the first write to stdout throws, so an error's stack passes through the CLI's own code.
"use strict";
const write = process.stdout.write.bind(process.stdout);
let thrown = false;
process.stdout.write = (...args) => {
  if (thrown) return write(...args);
  thrown = true;
  throw new Error("probe");
};

// @swc/jest instead of ts-jest: it strips types without the TypeScript compiler API (which typescript 7 no longer
// ships) and is ~10x faster; type checking is `npm run build` (tsc --noEmit). `ignoreDynamic` keeps `import()`
// native so ESM-only packages (execa) load through jest's --experimental-vm-modules support.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: { parser: { syntax: "typescript" }, target: "es2022" },
        module: { type: "commonjs", ignoreDynamic: true },
      },
    ],
  },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  testTimeout: 60000,
  testSequencer: "<rootDir>/test/support/slow-first-sequencer.cjs",
};

/** `import(specifier)` from outside the bundles (see import-esm.cjs). */
export declare function importEsm<Module>(specifier: string): Promise<Module>;

/** asl-validator 4.0.0 ships no type declarations; the part the guard and the tests use. */
declare module "asl-validator" {
  interface AslValidationError {
    /** e.g. SCHEMA_VALIDATION_FAILED, DUPLICATE_STATE_NAMES, MISSING_TRANSITION_TARGET */
    readonly "Error code": string;
    readonly Message: string;
    readonly [key: string]: unknown;
  }
  function validator(definition: object, options?: { checkPaths?: boolean; checkArn?: boolean }): { isValid: boolean; errors: AslValidationError[] };
  export = validator;
}

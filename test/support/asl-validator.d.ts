/** asl-validator 4.0.0 ships no type declarations; the part the tests use. */
declare module "asl-validator" {
  interface AslValidationError {
    readonly message: string;
    readonly [key: string]: unknown;
  }
  function validator(definition: object, options?: { checkPaths?: boolean; checkArn?: boolean }): { isValid: boolean; errors: AslValidationError[] };
  export = validator;
}

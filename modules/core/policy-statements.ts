import { Lazy } from "cdktf";
import {
  DataAwsIamPolicyDocument,
  dataAwsIamPolicyDocumentStatementToTerraform,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Construct } from "constructs";

/** Anything that can receive IAM statements: a role's policy, a bucket policy, a key policy. */
export interface Grantee {
  addStatements(...statements: DataAwsIamPolicyDocumentStatement[]): void;
}

/**
 * A policy document whose statements may be added after it is created (grants live on the resource constructs,
 * which are built before the role that receives them). Rendered with DataAwsIamPolicyDocument, never string-built JSON.
 */
export class PolicyStatements extends Construct implements Grantee {
  readonly document: DataAwsIamPolicyDocument;
  private readonly statements: DataAwsIamPolicyDocumentStatement[] = [];

  constructor(scope: Construct, id: string, initial: DataAwsIamPolicyDocumentStatement[] = []) {
    super(scope, id);
    this.statements.push(...initial);
    this.document = new DataAwsIamPolicyDocument(this, "document", {
      // Lazy: resolved at synth, after every grant has been made. A lazy value skips the provider's own
      // camelCase -> snake_case mapping, so the mapping function is applied here.
      statement: Lazy.anyValue({
        produce: () => this.statements.map((s) => dataAwsIamPolicyDocumentStatementToTerraform(s)),
      }),
    });
  }

  addStatements(...statements: DataAwsIamPolicyDocumentStatement[]): void {
    this.statements.push(...statements);
  }

  get json(): string {
    return this.document.json;
  }

  get count(): number {
    return this.statements.length;
  }
}

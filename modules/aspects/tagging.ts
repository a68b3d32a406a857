/**
 * Tags. Provider `default_tags` carry everything that applies to every resource (the stack sets environment, project
 * and owner there; the environment's `config.tags` belong there too), so each key lives in exactly one place: a
 * resource repeating a default tag in its own `tags` invites the perpetual diffs the AWS provider has had with
 * duplicated keys. This aspect therefore never copies default tags onto resources; it
 * (1) merges `config.tags` into the AWS provider's default_tags where the stack left a key out, and
 * (2) adds `for-use-with-amazon-emr-managed-policies = "true"` to the resources AmazonEMRServicePolicy_v2 acts on:
 *     each EMR cluster and the subnets, security groups and VPC it references.
 *
 * Why not put the EMR tag in default_tags? The v2 policy lets the EMR service role terminate instances, delete
 * network interfaces and launch templates, and edit security group rules on *anything* carrying that tag
 * (statements ManageEMRTaggedResources, ManageSecurityGroups). Tagging only what EMR must use keeps that reach small;
 * the aspect reports an error if default_tags carry the key.
 */
import { Annotations, TerraformProvider, TerraformResource, TerraformStack, Token, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import type { AwsProvider, AwsProviderDefaultTags } from "@cdktf/provider-aws/lib/provider";
import type { EnvironmentConfig } from "../../environments/schema";
import { StackIndex, type StackJson } from "../../policy/stack-json";
import { EMR_MANAGED_TAG_KEY, EMR_MANAGED_TAG_VALUE } from "../../contracts/emr";
import { resolveAroundTokens } from "./resolve-around-tokens";

export { EMR_MANAGED_TAG_KEY, EMR_MANAGED_TAG_VALUE };

/**
 * Where AmazonEMRServicePolicy_v2 conditions on `aws:ResourceTag/for-use-with-amazon-emr-managed-policies`: the
 * subnets and security groups a cluster launches into (CreateInTaggedNetwork, ManageSecurityGroups), their VPC
 * (CreateDefaultSecurityGroupInVPCWithEMRTags, CreateAndModifyEmrServiceVPCEndpoint), and the cluster itself, whose
 * tags EMR propagates to the instances, volumes and network interfaces it creates (RequestTag conditions on
 * RunInstances/CreateFleet). Only the subnets and groups a cluster references are tagged: a tagged public subnet
 * would be one EMR could launch into.
 */
export const EMR_MANAGED_RESOURCE_TYPES: readonly string[] = ["aws_vpc", "aws_subnet", "aws_security_group", "aws_emr_cluster"];

const NETWORK_REFERENCE = /\$\{((?:aws_subnet|aws_security_group)\.[A-Za-z0-9_-]+)\.id\}/g;
const VPC_REFERENCE = /^\$\{(aws_vpc\.[A-Za-z0-9_-]+)\.id\}$/;

/** Addresses of every resource that must carry the EMR-managed tag in this synthesized stack. */
export function emrManagedAddresses(stack: StackIndex): Set<string> {
  const clusters = stack.ofType("aws_emr_cluster");
  const network = clusters.flatMap((c) =>
    [...JSON.stringify(c.config.ec2_attributes ?? {}).matchAll(NETWORK_REFERENCE)].map((m) => m[1]),
  );
  const vpcs = network.flatMap((address) => {
    const match = VPC_REFERENCE.exec(String(stack.get(address)?.config.vpc_id ?? ""));
    return match ? [match[1]] : [];
  });
  return new Set([...clusters.map((c) => c.address), ...network, ...vpcs].filter((a) => stack.get(a)));
}

/**
 * The stack's resources of EMR_MANAGED_RESOURCE_TYPES as synthesized, each resolved on its own: all that
 * emrManagedAddresses reads, without resolving the whole stack (which then happens once, after the tags are set).
 */
export function emrNetworkJson(stack: TerraformStack): StackJson {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const child of stack.node.findAll()) {
    if (!TerraformResource.isTerraformResource(child) || !EMR_MANAGED_RESOURCE_TYPES.includes(child.terraformResourceType)) continue;
    const fragment = resolveAroundTokens(stack, child.toTerraform()) as StackJson;
    for (const [type, byName] of Object.entries(fragment.resource ?? {})) Object.assign((resource[type] ??= {}), byName);
  }
  return { resource };
}

type Tags = Record<string, string>;

/**
 * `extra` added to `existing` where `existing` has no key of the same name in any letter case (AWS tag keys are
 * case-sensitive, so `costcenter` next to `CostCenter` would be a second tag). Keys already present keep their value.
 */
export function mergeMissingTags(existing: Readonly<Tags>, extra: Readonly<Tags>): Tags {
  const present = new Set(Object.keys(existing).map((k) => k.toLowerCase()));
  const missing = Object.entries(extra).filter(([k]) => !present.has(k.toLowerCase()));
  return { ...existing, ...Object.fromEntries(missing) };
}

interface Taggable {
  tags: Tags;
  readonly tagsInput: Tags | undefined;
}

function isTaggable(node: IConstruct): node is TerraformResource & Taggable {
  return TerraformResource.isTerraformResource(node) && "tagsInput" in node;
}

function isAwsProvider(node: IConstruct): node is AwsProvider {
  return TerraformProvider.isTerraformProvider(node) && node.terraformResourceType === "aws";
}

export class PlatformTagging implements IAspect {
  constructor(private readonly config: Pick<EnvironmentConfig, "tags">) {}

  /** Works on the stack node as a whole: which subnets need the tag depends on what the cluster references. */
  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) this.tag(node);
  }

  /**
   * Tags the stack's constructs; `json` is the stack as synthesized (the whole stack, or emrNetworkJson's part of it),
   * read only for references. Returns the constructs it may have changed.
   */
  tag(node: TerraformStack, json: StackJson = emrNetworkJson(node)): Set<IConstruct> {
    const targets = emrManagedAddresses(new StackIndex(json));
    const touched = new Set<IConstruct>();
    for (const child of node.node.findAll()) {
      if (isAwsProvider(child)) this.completeDefaultTags(child);
      else if (isTaggable(child) && targets.has(`${child.terraformResourceType}.${child.friendlyUniqueId}`)) this.tagForEmr(child);
      else continue;
      touched.add(child);
    }
    return touched;
  }

  private completeDefaultTags(provider: AwsProvider): void {
    const current = provider.defaultTagsInput;
    if (Token.isUnresolved(current) || (Array.isArray(current) && current.some((d) => Token.isUnresolved(d.tags)))) {
      Annotations.of(provider).addWarning("[tagging] default_tags are a token; config.tags were not merged into them");
      return;
    }
    const blocks = (current ?? []) as AwsProviderDefaultTags[];
    const existing: Tags = { ...(blocks[0]?.tags ?? {}) };
    if (EMR_MANAGED_TAG_KEY in existing) {
      Annotations.of(provider).addError(
        `[tagging] default_tags contain ${EMR_MANAGED_TAG_KEY}, which lets the EMR service role manage every resource; fix: remove it (the tagging aspect adds it where EMR needs it)`,
      );
    }
    const merged = mergeMissingTags(existing, this.config.tags);
    if (Object.keys(merged).length === Object.keys(existing).length) return;
    provider.defaultTags = [{ ...(blocks[0] ?? {}), tags: merged }, ...blocks.slice(1)];
  }

  private tagForEmr(resource: TerraformResource & Taggable): void {
    const current = resource.tagsInput;
    if (current !== undefined && Token.isUnresolved(current)) {
      resource.addOverride(`tags.${EMR_MANAGED_TAG_KEY}`, EMR_MANAGED_TAG_VALUE);
      return;
    }
    if (current?.[EMR_MANAGED_TAG_KEY] === EMR_MANAGED_TAG_VALUE) return;
    resource.tags = { ...(current ?? {}), [EMR_MANAGED_TAG_KEY]: EMR_MANAGED_TAG_VALUE };
  }
}

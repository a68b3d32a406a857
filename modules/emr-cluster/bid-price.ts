/**
 * The spot bid an instance group sends: a numeric USD cap per instance-hour, never EMR's "OnDemandPrice" keyword.
 *
 * Why a number: the EMR API reference documents BidPrice "OnDemandPrice", but the service rejects it for instance
 * groups with "ValidationException: The bid price is invalid" (aws/aws-sdk issue 167). And aws_emr_instance_group
 * (provider 6.25, internal/service/emr/instance_group.go) declares bid_price ForceNew and reads it back from
 * ListInstanceGroups, so the value must be the exact string we send, or every plan replaces the group.
 *
 * The default cap is the type's on-demand EC2 price from the checked-in price table (AWS's recommendation: bid at most
 * on-demand), read through the table's one reader (environments/instance-types.ts), so the plan summary shows the
 * same number.
 */
import type { NodeRole } from "../../contracts/emr";
import { ConfigError } from "../../environments/errors";
import { defaultPriceTable, priceOf, type PriceTable } from "../../environments/instance-types";
import type { InstanceGroupConfig } from "../../environments/schema";

/** USD with at most 4 decimals and no trailing zeros: "0.192", "1.008" (the schema's bidPrice format). */
export function formatBidPrice(usd: number): string {
  return String(Number(usd.toFixed(4)));
}

/**
 * The bid for a SPOT group (undefined for ON_DEMAND): the configured bidPrice, else the on-demand EC2 price of its
 * type in `region`. Throws a ConfigError naming `instances.<role>.bidPrice` when the table has no price for the type.
 */
export function spotBidPrice(
  role: NodeRole,
  group: InstanceGroupConfig,
  region: string,
  prices: PriceTable = defaultPriceTable(),
): string | undefined {
  if (group.market !== "SPOT") return undefined;
  if (group.bidPrice !== undefined) return group.bidPrice;
  const price = priceOf(prices, region, group.instanceType);
  if (!price) {
    throw new ConfigError(
      `instances.${role}.bidPrice: no on-demand price for ${group.instanceType} in ${region} in environments/instance-types.json to cap the spot bid at; fix: set bidPrice (USD per hour, e.g. "0.25") or add the type to the price table`,
    );
  }
  return formatBidPrice(price.ec2);
}

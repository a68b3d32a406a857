/**
 * CIDR blocks parsed, not pattern-matched: the address goes through `net.isIP`, so `":/0"` or `"1.2.3.999/8"` are
 * refused, and the block comes back as numbers the checks can measure (prefix, host bits, covered addresses).
 */
import { isIP } from "node:net";

export interface Cidr {
  readonly family: 4 | 6;
  /** The address as written, as an unsigned integer (32 or 128 bits). */
  readonly address: bigint;
  readonly prefix: number;
  /** Address bits: 32 or 128. */
  readonly bits: 32 | 128;
}

function ipv4ToBigInt(address: string): bigint {
  return address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

/** `net.isIP` has accepted the address, so only the `::` expansion and an embedded IPv4 tail are left to handle. */
function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const v4 = ipv4ToBigInt(v4Tail[1]);
    text = `${text.slice(0, -v4Tail[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill("0"), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** The parsed block, or a reason it is not one. */
export function parseCidr(text: string): Cidr | { readonly error: string } {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!match) return { error: "not a CIDR block; fix: write it as a.b.c.d/nn (IPv4) or xxxx::/nn (IPv6)" };
  const family = isIP(match[1]) as 0 | 4 | 6;
  if (family === 0) return { error: `${match[1]} is not an IP address; fix: e.g. 203.0.113.0/24 or 2001:db8::/48` };
  const bits = family === 4 ? 32 : 128;
  const prefix = Number(match[2]);
  if (prefix > bits) return { error: `/${prefix} is longer than an IPv${family} address (${bits} bits); fix: a prefix from 0 to ${bits}` };
  const address = family === 4 ? ipv4ToBigInt(match[1]) : ipv6ToBigInt(match[1]);
  return { family, address, prefix, bits };
}

/** The block's first address: the address with its host bits cleared. */
export function networkAddress(cidr: Cidr): bigint {
  const hostBits = BigInt(cidr.bits - cidr.prefix);
  return (cidr.address >> hostBits) << hostBits;
}

/** How many addresses the block covers. */
export function blockSize(cidr: Cidr): bigint {
  return 1n << BigInt(cidr.bits - cidr.prefix);
}

/** The block written with its host bits cleared, e.g. 10.1.2.3/16 -> 10.1.0.0/16. */
export function canonical(cidr: Cidr): string {
  const network = networkAddress(cidr);
  if (cidr.family === 4) {
    return `${[24n, 16n, 8n, 0n].map((shift) => String((network >> shift) & 0xffn)).join(".")}/${cidr.prefix}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) => ((network >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // Shorten the longest run of zero groups to "::" (RFC 5952 §4.2), enough for a readable fix.
  const joined = `:${groups.join(":")}:`;
  const runs = joined.match(/(:0)+:/g) ?? [];
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), "");
  const short = longest.length > 3 ? joined.replace(longest, "::") : joined;
  return `${short.replace(/^:(?!:)/, "").replace(/(?<!:):$/, "")}/${cidr.prefix}`;
}

/** Addresses covered by the union of the blocks (overlaps counted once). */
export function coveredAddresses(blocks: readonly Cidr[]): bigint {
  const ranges = blocks
    .map((b) => [networkAddress(b), networkAddress(b) + blockSize(b)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let total = 0n;
  let end = -1n;
  for (const [start, stop] of ranges) {
    if (stop <= end) continue;
    total += stop - (start > end ? start : end);
    end = stop;
  }
  return total;
}

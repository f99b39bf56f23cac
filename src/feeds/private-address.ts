/**
 * Which addresses a feed may not be fetched from: anything that is not a public unicast address
 * (RFC 6890 and the IANA special-purpose registries). Addresses are parsed into numbers — IPv6
 * with `::` expanded and a dotted IPv4 tail read — and compared with prefixes, so no spelling of
 * an address (`::7f00:1`, `0:0:0:0:0:ffff:127.0.0.1`, `2002:7f00:1::`) slips past a string test.
 * An IPv6 address that carries an IPv4 address by a fixed rule (IPv4-mapped, IPv4-translated,
 * NAT64's well-known prefix, 6to4) is judged as the IPv4 address it carries.
 */
import { isIP } from 'node:net';

type Range = readonly [network: string, prefixLength: number];

/** IPv4 ranges that are not public unicast. */
const IPV4_NON_PUBLIC: readonly Range[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address 255.255.255.255
];

/** IPv6 prefixes that carry an IPv4 address in their last 32 bits, judged as that address. */
const IPV6_EMBEDDING_LAST_32: readonly Range[] = [
  ['::ffff:0:0', 96], // IPv4-mapped
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b::', 96], // NAT64, well-known prefix
];

/** 6to4: the IPv4 address of the site follows the prefix (bits 16 to 47). */
const SIX_TO_FOUR: Range = ['2002::', 16];

/** Only this block holds public unicast addresses (IANA); the rest of the IPv6 space is not public. */
const IPV6_GLOBAL_UNICAST: Range = ['2000::', 3];

/** Parts of the global unicast block that are not public unicast. */
const IPV6_NON_PUBLIC_IN_GLOBAL: readonly Range[] = [
  ['2001::', 32], // Teredo: a tunnel to an IPv4 host the address only hints at
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID (deprecated)
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
  ['5f00::', 16], // SRv6 segment identifiers
];

/** The IPv4 address as a 32-bit number; null when it is not a dotted quad. */
function ipv4Number(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** The IPv6 address as a 128-bit number (`::` expanded, a dotted IPv4 tail read); null when malformed. */
function ipv6Number(address: string): bigint | null {
  let text = address.replace(/%.*$/, '').toLowerCase();
  const tail = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v4 = ipv4Number(tail[1]!);
    if (v4 === null) return null;
    text = `${text.slice(0, text.length - tail[1]!.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groupsOf(halves[0]);
  const rest = groupsOf(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const ipv4InRange = (n: number, [network, length]: Range) => length === 0 || n >>> (32 - length) === ipv4Number(network)! >>> (32 - length);

function ipv6InRange(n: bigint, [network, length]: Range): boolean {
  const shift = BigInt(128 - length);
  return n >> shift === ipv6Number(network)! >> shift;
}

function isNonPublicIPv4(n: number): boolean {
  return IPV4_NON_PUBLIC.some((range) => ipv4InRange(n, range));
}

function isNonPublicIPv6(n: bigint): boolean {
  if (IPV6_EMBEDDING_LAST_32.some((range) => ipv6InRange(n, range))) return isNonPublicIPv4(Number(n & 0xffffffffn));
  if (ipv6InRange(n, SIX_TO_FOUR)) return isNonPublicIPv4(Number((n >> 80n) & 0xffffffffn));
  // Everything outside 2000::/3 is not public: the unspecified address and loopback, IPv4-
  // compatible addresses (::/96, deprecated), discard-only, NAT64's local-use prefix
  // 64:ff9b:1::/48, unique-local, link-local, site-local and multicast addresses among them.
  if (!ipv6InRange(n, IPV6_GLOBAL_UNICAST)) return true;
  return IPV6_NON_PUBLIC_IN_GLOBAL.some((range) => ipv6InRange(n, range));
}

/**
 * True for every address that is not public unicast: loopback, private, link-local, CGNAT,
 * documentation, benchmarking, multicast and reserved ranges, IPv6 tunnels and deprecated
 * forms, an IPv6 address carrying such an IPv4 address — and anything that is not an address.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    const n = ipv4Number(address);
    return n === null || isNonPublicIPv4(n);
  }
  if (family === 6) {
    const n = ipv6Number(address);
    return n === null || isNonPublicIPv6(n);
  }
  return true;
}

/**
 * The configuration of `netloom-ipam`: host-local's (`ranges`, or the legacy
 * `subnet`/`rangeStart`/`rangeEnd`/`gateway`, `routes`, `dataDir`), plus
 * `exclude` (addresses or prefixes never handed out), checked into ranges
 * of numbers.
 * @module
 */
import { addrBytes, addrText } from '../nft/bytes.js';
import { CniError } from './errors.js';
import type { CniNetConf, CniRoute } from './types.js';

/** One range, as numbers (an address is its bytes read as a big-endian integer). */
export interface IpRange {
  v6: boolean;
  prefix: number;
  /** The subnet's network address. */
  network: bigint;
  first: bigint;
  last: bigint;
  gateway: bigint;
}

/** A checked netloom-ipam section. */
export interface IpamConf {
  /** One address is taken from each range set. */
  rangeSets: IpRange[][];
  routes: CniRoute[];
  dataDir: string;
  exclude: Array<{ from: bigint; to: bigint; v6: boolean }>;
}

/** An address as a number (throws naming `field`). */
export function toNum(field: string, text: unknown): { n: bigint; v6: boolean } {
  const b = typeof text === 'string' ? addrBytes(text) : undefined;
  if (b === undefined) throw new CniError('invalidNetworkConfig', `${field}: not an IP address: ${JSON.stringify(text)}`);
  return { n: BigInt(`0x${b.toString('hex')}`), v6: b.length === 16 };
}

/** A number as an address. */
export function toText(n: bigint, v6: boolean): string {
  return addrText(Buffer.from(n.toString(16).padStart(v6 ? 32 : 8, '0'), 'hex'));
}

function cidr(field: string, v: unknown): { network: bigint; prefix: number; v6: boolean; size: bigint } {
  const [ip, len] = typeof v === 'string' ? v.split('/') : [];
  const { n, v6 } = toNum(field, ip);
  const bits = v6 ? 128 : 32;
  const prefix = Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || len === '') throw new CniError('invalidNetworkConfig', `${field}: not a prefix: ${JSON.stringify(v)}`);
  const size = 1n << BigInt(bits - prefix);
  const network = n & ~(size - 1n);
  if (network !== n) throw new CniError('invalidNetworkConfig', `${field}: ${String(v)} has host bits set: the subnet is ${toText(network, v6)}/${prefix}`);
  return { network, prefix, v6, size };
}

function range(field: string, r: Record<string, unknown>): IpRange {
  const s = cidr(`${field}.subnet`, r.subnet);
  const end = s.network + s.size - 1n;
  // IPv4: not the network or broadcast address; IPv6: not the subnet-router anycast address.
  let first = s.network + 1n;
  let last = s.v6 ? end : end - 1n;
  if (s.size <= 2n) {
    first = s.network;
    last = end;
  }
  const inside = (name: string, v: unknown): bigint => {
    const a = toNum(`${field}.${name}`, v);
    if (a.v6 !== s.v6 || a.n < s.network || a.n > end) throw new CniError('invalidNetworkConfig', `${field}.${name}: ${String(v)} is not in ${String(r.subnet)}`);
    return a.n;
  };
  if (r.rangeStart !== undefined) first = inside('rangeStart', r.rangeStart);
  if (r.rangeEnd !== undefined) last = inside('rangeEnd', r.rangeEnd);
  if (first > last) throw new CniError('invalidNetworkConfig', `${field}: rangeStart is after rangeEnd`);
  const gateway = r.gateway !== undefined ? inside('gateway', r.gateway) : s.network + 1n;
  return { v6: s.v6, prefix: s.prefix, network: s.network, first, last, gateway };
}

/** Check `conf.ipam` for netloom-ipam. */
export function checkIpamConf(conf: CniNetConf): IpamConf {
  const ipam = (conf.ipam ?? {}) as Record<string, unknown>;
  let sets: unknown[];
  if (ipam.ranges !== undefined) {
    if (!Array.isArray(ipam.ranges) || ipam.ranges.length === 0) throw new CniError('invalidNetworkConfig', 'ipam.ranges: must be a non-empty list of range sets');
    sets = ipam.ranges;
  } else if (ipam.subnet !== undefined) {
    sets = [[{ subnet: ipam.subnet, rangeStart: ipam.rangeStart, rangeEnd: ipam.rangeEnd, gateway: ipam.gateway }]];
  } else {
    throw new CniError('invalidNetworkConfig', 'ipam.ranges: is required (or the legacy ipam.subnet)');
  }
  const rangeSets = sets.map((set, i) => {
    if (!Array.isArray(set) || set.length === 0) throw new CniError('invalidNetworkConfig', `ipam.ranges[${i}]: must be a non-empty list of ranges`);
    const rs = set.map((r, j) => range(`ipam.ranges[${i}][${j}]`, (r ?? {}) as Record<string, unknown>));
    if (rs.some((r) => r.v6 !== rs[0]?.v6)) throw new CniError('invalidNetworkConfig', `ipam.ranges[${i}]: a range set is of one IP version`);
    return rs;
  });
  const routes = ipam.routes ?? [];
  if (!Array.isArray(routes)) throw new CniError('invalidNetworkConfig', 'ipam.routes: must be a list');
  routes.forEach((r: unknown, i) => {
    const dst = (r as { dst?: unknown } | null)?.dst;
    if (typeof dst !== 'string' || !dst.includes('/')) throw new CniError('invalidNetworkConfig', `ipam.routes[${i}].dst: must be a prefix, got ${JSON.stringify(dst)}`);
  });
  const dataDir = ipam.dataDir ?? '/var/lib/cni/networks';
  if (typeof dataDir !== 'string' || !dataDir.startsWith('/')) throw new CniError('invalidNetworkConfig', `ipam.dataDir: must be an absolute path, got ${JSON.stringify(dataDir)}`);
  const exclude = ((ipam.exclude ?? []) as unknown[]).map((e, i) => {
    const field = `ipam.exclude[${i}]`;
    if (typeof e === 'string' && e.includes('/')) {
      const c = cidr(field, e);
      return { from: c.network, to: c.network + c.size - 1n, v6: c.v6 };
    }
    const a = toNum(field, e);
    return { from: a.n, to: a.n, v6: a.v6 };
  });
  return { rangeSets, routes: routes as CniRoute[], dataDir, exclude };
}

/**
 * The vocabulary of sets: each key type's nft datatype number, length and
 * byte order, and its values to and from the bytes the kernel keeps (ports
 * and addresses in network order, marks in host order, names NUL-padded).
 * @module
 */
import { isIPv6 } from 'node:net';
import { addrBytes, addrText, hostU32, ipv4Bytes, readHostU32 } from './bytes.js';
import { L4_PROTOS, protoName } from './rule-values.js';
import type { NftSetDataType, NftSetKeyType, NftSetValue } from './set-types.js';

/** nft's byte orders (enum byteorder, nftables include/expression.h): what its set userdata records. */
export const BYTEORDER = { invalid: 0, host: 1, big: 2 } as const;

/** One key type: nft's datatype number (nftables include/datatype.h, no UAPI header), its length and byte order. */
export interface KeyDef {
  id: number;
  len: number;
  order: number;
  /** Whether netloom lets an interval set have it (its bytes sort as its values do). */
  interval: boolean;
}

/** The key types (nft's TYPE_IPADDR 7, TYPE_IP6ADDR 8, TYPE_ETHERADDR 9, TYPE_INET_PROTOCOL 12, TYPE_INET_SERVICE 13, TYPE_MARK 19, TYPE_IFNAME 41). */
export const KEY_TYPES: Record<NftSetKeyType, KeyDef> = {
  ipv4_addr: { id: 7, len: 4, order: BYTEORDER.big, interval: true },
  ipv6_addr: { id: 8, len: 16, order: BYTEORDER.big, interval: true },
  ether_addr: { id: 9, len: 6, order: BYTEORDER.big, interval: true },
  inet_proto: { id: 12, len: 1, order: BYTEORDER.invalid, interval: true },
  inet_service: { id: 13, len: 2, order: BYTEORDER.big, interval: true },
  mark: { id: 19, len: 4, order: BYTEORDER.host, interval: false },
  ifname: { id: 41, len: 16, order: BYTEORDER.host, interval: false },
};

/**
 * nftnl_udata types of a set's and an element's userdata (libnftnl
 * include/libnftnl/udata.h; userspace only): the key's and data's byte
 * order, whether the data is an interval, the comment; an element's flags.
 */
export const SET_UDATA = { keyByteorder: 0, dataByteorder: 1, dataInterval: 6, comment: 7 } as const;
export const ELEM_UDATA = { flags: 1 } as const;
/** NFTNL_SET_ELEM_F_INTERVAL_OPEN: an interval running to the end of the key space (it has no end element). */
export const ELEM_F_INTERVAL_OPEN = 1;

/** The name of a key type from its datatype number, or the number. */
export function keyTypeName(id: number): NftSetKeyType | number {
  return (Object.keys(KEY_TYPES) as NftSetKeyType[]).find((k) => KEY_TYPES[k].id === id) ?? id;
}

const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** A value of a key type in the kernel's bytes, or a sentence saying what is wrong with it. */
export function valueBytes(type: NftSetKeyType, v: unknown): Buffer | string {
  switch (type) {
    case 'ipv4_addr':
      if (typeof v === 'string') {
        const b = ipv4Bytes(v);
        if (b !== undefined) return b;
      }
      return `must be an IPv4 address (the set is ipv4_addr), got ${describe(v)}`;
    case 'ipv6_addr':
      if (typeof v === 'string' && isIPv6(v)) return addrBytes(v) as Buffer;
      return `must be an IPv6 address (the set is ipv6_addr), got ${describe(v)}`;
    case 'inet_service': {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) return `must be a port 0..65535, got ${describe(v)}`;
      const b = Buffer.alloc(2);
      b.writeUInt16BE(v);
      return b;
    }
    case 'inet_proto': {
      const n = typeof v === 'string' ? L4_PROTOS[v] : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) return `must be one of ${Object.keys(L4_PROTOS).join(', ')} or a protocol number 0..255, got ${describe(v)}`;
      return Buffer.from([n]);
    }
    case 'ifname': {
      if (typeof v !== 'string' || v.length === 0 || v.includes('\0') || v.includes('*') || Buffer.byteLength(v) > 15) return `must be an interface name of 1..15 bytes (no wildcard), got ${describe(v)}`;
      const b = Buffer.alloc(16);
      b.write(v);
      return b;
    }
    case 'ether_addr':
      if (typeof v !== 'string' || !MAC_RE.test(v)) return `must be an Ethernet address like 02:00:00:00:00:01, got ${describe(v)}`;
      return Buffer.from(v.split(':').map((h) => parseInt(h, 16)));
    case 'mark':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) return `must be a mark 0..4294967295, got ${describe(v)}`;
      return hostU32(v);
  }
}

/** The kernel's bytes of a key type back to the value. */
export function bytesValue(type: NftSetKeyType, b: Buffer): NftSetValue {
  switch (type) {
    case 'ipv4_addr':
    case 'ipv6_addr':
      return addrText(b);
    case 'inet_service':
      return b.length === 2 ? b.readUInt16BE(0) : b.toString('hex');
    case 'inet_proto':
      return b.length === 1 ? protoName(b[0] as number) : b.toString('hex');
    case 'ifname': {
      const nul = b.indexOf(0);
      return b.subarray(0, nul < 0 ? b.length : nul).toString();
    }
    case 'ether_addr':
      return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
    case 'mark':
      return readHostU32(b) ?? b.toString('hex');
  }
}

/** The datatype number and length of a map's data (a verdict: NFT_DATA_VERDICT, and no length). */
export function dataDef(type: NftSetDataType, verdictType: number): { id: number; len: number; order: number } {
  if (type === 'verdict') return { id: verdictType, len: 0, order: BYTEORDER.invalid };
  const k = KEY_TYPES[type];
  return { id: k.id, len: k.len, order: k.order };
}

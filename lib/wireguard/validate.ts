/**
 * Checking what `wireguard.set` / `get` are given, before any I/O: keys are
 * 32 bytes of base64, ports, marks and intervals in range, endpoints and
 * allowed IPs parse; each error names its field ('peers[1].endpoint').
 * @module
 */
import { isIPv6 } from 'node:net';
import { checkBool, checkInt, checkKeys, U32_MAX } from '../rtnl/values/checks.js';
import { parseAddress, parseCidr, type Family } from '../rtnl/values/cidr.js';
import { keyBytes } from './keys.js';
import type { WireguardConfig, WireguardDeviceRef, WireguardEndpoint, WireguardPeerConfig } from './types.js';

/** The device as its request names it: WGDEVICE_A_IFNAME or WGDEVICE_A_IFINDEX. */
export type CheckedDevice = { ifname: string } | { ifindex: number };

/** An allowed IP, parsed. */
export interface CheckedAllowedIp {
  family: Family;
  address: string;
  prefixlen: number;
}

/** A peer with its keys as bytes and its text parsed. */
export interface CheckedPeer {
  publicKey: Buffer;
  remove: boolean;
  updateOnly: boolean;
  presharedKey: Buffer | undefined;
  endpoint: (WireguardEndpoint & { family: Family }) | undefined;
  allowedIps: CheckedAllowedIp[];
  replaceAllowedIps: boolean;
  persistentKeepalive: number | undefined;
}

/** A whole `set`, checked. */
export interface CheckedConfig {
  privateKey: Buffer | undefined;
  listenPort: number | undefined;
  fwmark: number | undefined;
  replacePeers: boolean;
  peers: CheckedPeer[];
}

const ZERO_KEY = Buffer.alloc(32);
const CONFIG_KEYS = new Set(['privateKey', 'listenPort', 'fwmark', 'replacePeers', 'peers']);
const PEER_KEYS = new Set(['publicKey', 'remove', 'updateOnly', 'presharedKey', 'endpoint', 'allowedIps', 'replaceAllowedIps', 'persistentKeepalive']);
const IFNAMSIZ = 16;

/** A device name or `{ index }`; TypeError/RangeError starting with `op`. */
export function checkDevice(op: string, device: unknown): CheckedDevice {
  if (typeof device === 'string') {
    if (device.length === 0 || Buffer.byteLength(device) >= IFNAMSIZ || /[\s/\0]/.test(device)) {
      throw new TypeError(`${op}: device: not an interface name: '${device}'`);
    }
    return { ifname: device };
  }
  if (typeof device === 'object' && device !== null && 'index' in device) {
    return { ifindex: checkInt((device as { index: unknown }).index, 1, 0x7fffffff, `${op}: device.index`) };
  }
  throw new TypeError(`${op}: device: must be an interface name ('wg0') or { index }`);
}

/** An endpoint as text ('198.18.0.2:51820', '[2001:db8::2]:51820') or `{ address, port }`. */
export function checkEndpoint(v: unknown, field: string): WireguardEndpoint & { family: Family } {
  let address: unknown;
  let port: unknown;
  if (typeof v === 'string') {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(v) ?? /^([^:[\]]+):(\d+)$/.exec(v);
    const brackets = m !== null && v.startsWith('[');
    if (m === null || brackets !== isIPv6(m[1] as string)) {
      const v6 = (v.match(/:/g) ?? []).length > 1 && !brackets;
      throw new TypeError(`${field}: ${v6 ? "an IPv6 endpoint is written '[ADDRESS]:PORT'" : "must be 'ADDRESS:PORT' or '[IPV6]:PORT'"}, got '${v}'`);
    }
    address = m[1];
    port = Number(m[2]);
  } else if (typeof v === 'object' && v !== null) {
    checkKeys(v, new Set(['address', 'port']), field, 'field');
    ({ address, port } = v as { address?: unknown; port?: unknown });
  } else {
    throw new TypeError(`${field}: must be 'ADDRESS:PORT' or { address, port }`);
  }
  const a = parseAddress(address, `${field}.address`);
  return { family: a.family, address: a.address, port: checkInt(port, 1, 0xffff, `${field}.port`) };
}

function optionalKey(v: unknown, field: string): Buffer | undefined {
  if (v === undefined) return undefined;
  return v === null ? ZERO_KEY : keyBytes(v, field);
}

function checkPeer(op: string, p: unknown, i: number): CheckedPeer {
  const at = `${op}: peers[${i}]`;
  if (typeof p !== 'object' || p === null) throw new TypeError(`${at}: must be an object with a publicKey`);
  checkKeys(p, PEER_KEYS, op, 'peer option', `peers[${i}].`);
  const peer = p as WireguardPeerConfig;
  const ips = peer.allowedIps;
  if (ips !== undefined && !Array.isArray(ips)) throw new TypeError(`${at}.allowedIps: must be an array of prefixes`);
  return {
    publicKey: keyBytes(peer.publicKey, `${at}.publicKey`),
    remove: checkBool(peer.remove, `${at}.remove`),
    updateOnly: checkBool(peer.updateOnly, `${at}.updateOnly`),
    presharedKey: optionalKey(peer.presharedKey, `${at}.presharedKey`),
    endpoint: peer.endpoint === undefined ? undefined : checkEndpoint(peer.endpoint, `${at}.endpoint`),
    allowedIps: (ips ?? []).map((c, j) => parseCidr(c, `${at}.allowedIps[${j}]`)),
    replaceAllowedIps: checkBool(peer.replaceAllowedIps, `${at}.replaceAllowedIps`),
    persistentKeepalive: peer.persistentKeepalive === undefined ? undefined : checkInt(peer.persistentKeepalive, 0, 0xffff, `${at}.persistentKeepalive`),
  };
}

/** A whole `set` configuration; TypeError/RangeError starting with `op` and naming the field. */
export function checkConfig(op: string, config: unknown): CheckedConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new TypeError(`${op}: config: must be an object`);
  checkKeys(config, CONFIG_KEYS, op);
  const c = config as WireguardConfig;
  if (c.peers !== undefined && !Array.isArray(c.peers)) throw new TypeError(`${op}: peers: must be an array`);
  return {
    privateKey: optionalKey(c.privateKey, `${op}: privateKey`),
    listenPort: c.listenPort === undefined ? undefined : checkInt(c.listenPort, 0, 0xffff, `${op}: listenPort`),
    fwmark: c.fwmark === undefined ? undefined : checkInt(c.fwmark, 0, U32_MAX, `${op}: fwmark`),
    replacePeers: checkBool(c.replacePeers, `${op}: replacePeers`),
    peers: (c.peers ?? []).map((p, i) => checkPeer(op, p, i)),
  };
}

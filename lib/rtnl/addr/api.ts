/**
 * Addresses: `ip addr`.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import { constant, type RawAttrs, type RawReply } from '../../netlink/native.js';
import { ConstantNames } from '../../netlink/constant-names.js';
import type { LinkApi, LinkRef } from '../link/api.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';

/** Address scopes by name (`ip addr ... scope NAME`), or a number. */
export type AddrScope = 'global' | 'site' | 'link' | 'host' | 'nowhere' | (number & {});

/** Flags that can be set on an address (`ip addr add ... nodad noprefixroute`). */
export interface AddrFlagOptions {
  /** Skip duplicate address detection (IPv6). */
  nodad?: boolean;
  /** Do not create the prefix route for the address's subnet. */
  noprefixroute?: boolean;
  /** Join the multicast group for the address automatically. */
  autojoin?: boolean;
  /** Make temporary addresses from this one (IPv6 privacy). */
  mngtmpaddr?: boolean;
  /** Mark as home address (Mobile IPv6). */
  home?: boolean;
  /** Start as optimistic (IPv6 optimistic DAD). */
  optimistic?: boolean;
}

/** Options of {@link AddrApi.add}. */
export interface AddrAddOptions extends AddrFlagOptions {
  /** The remote end of a point-to-point link (`peer ADDRESS/PREFIX`). */
  peer?: string;
  /** The broadcast address, or '+' to derive it from the prefix (`brd +`). IPv4 only. */
  broadcast?: string;
  /** A label (alias name), which must start with the device name (`label eth0:1`). IPv4 only. */
  label?: string;
  /** The scope. Default: global (host for 127/8). */
  scope?: AddrScope;
  /** Valid lifetime in seconds, or 'forever' (the default). */
  validLft?: number | 'forever';
  /** Preferred lifetime in seconds, or 'forever' (the default). */
  preferredLft?: number | 'forever';
  /** Metric of the prefix route the kernel adds. */
  metric?: number;
}

/** A decoded address. */
export interface Address {
  /** The link's ifindex. */
  ifindex: number;
  family: 'inet' | 'inet6';
  /** The local address (`inet 198.18.0.1/24` → '198.18.0.1'). */
  address: string;
  prefixlen: number;
  /** `address/prefixlen`. */
  cidr: string;
  /** The peer of a point-to-point address. */
  peer: string | undefined;
  broadcast: string | undefined;
  label: string | undefined;
  scope: AddrScope;
  /** Flag names: 'permanent', 'nodad', 'tentative', 'noprefixroute', ... */
  flags: string[];
  /** Seconds, or 'forever'. */
  validLft: number | 'forever';
  preferredLft: number | 'forever';
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link AddrApi.list}. */
export interface AddrFilter {
  /** Only this link's addresses. */
  dev?: LinkRef;
  /** Only this family. */
  family?: 'inet' | 'inet6';
}

const INFINITY = 0xffffffff;
const SCOPES = new ConstantNames({ global: 'RT_SCOPE_UNIVERSE', site: 'RT_SCOPE_SITE', link: 'RT_SCOPE_LINK', host: 'RT_SCOPE_HOST', nowhere: 'RT_SCOPE_NOWHERE' });
const FLAG_OPTIONS: Record<keyof AddrFlagOptions, string> = {
  nodad: 'IFA_F_NODAD',
  noprefixroute: 'IFA_F_NOPREFIXROUTE',
  autojoin: 'IFA_F_MCAUTOJOIN',
  mngtmpaddr: 'IFA_F_MANAGETEMPADDR',
  home: 'IFA_F_HOMEADDRESS',
  optimistic: 'IFA_F_OPTIMISTIC',
};
const FLAG_NAMES = new ConstantNames({
  secondary: 'IFA_F_SECONDARY', nodad: 'IFA_F_NODAD', optimistic: 'IFA_F_OPTIMISTIC', dadfailed: 'IFA_F_DADFAILED',
  home: 'IFA_F_HOMEADDRESS', deprecated: 'IFA_F_DEPRECATED', tentative: 'IFA_F_TENTATIVE', permanent: 'IFA_F_PERMANENT',
  mngtmpaddr: 'IFA_F_MANAGETEMPADDR', noprefixroute: 'IFA_F_NOPREFIXROUTE', autojoin: 'IFA_F_MCAUTOJOIN', 'stable-privacy': 'IFA_F_STABLE_PRIVACY',
});

/** A parsed `ADDRESS[/PREFIX]`. */
interface Cidr {
  family: 'inet' | 'inet6';
  address: string;
  prefixlen: number;
}

/** Parse 'a.b.c.d/n' or 'x::y/n' (prefix defaults to the full length); TypeError/RangeError naming `field`. */
export function parseCidr(text: unknown, field: string): Cidr {
  if (typeof text !== 'string') throw new TypeError(`${field}: must be a string like '198.18.0.1/24', got ${typeof text}`);
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIPv4(address) ? 'inet' : isIPv6(address) ? 'inet6' : undefined;
  if (family === undefined) throw new TypeError(`${field}: not an IP address: '${text}'`);
  const max = family === 'inet' ? 32 : 128;
  let prefixlen = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) throw new RangeError(`${field}: prefix length must be 0..${max}, got '${p}' in '${text}'`);
    prefixlen = Number(p);
  }
  return { family, address, prefixlen };
}

function broadcastOf(c: Cidr): string {
  const bytes = c.address.split('.').map(Number);
  const v = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  const mask = c.prefixlen === 0 ? 0 : (0xffffffff << (32 - c.prefixlen)) >>> 0;
  const b = (v | (~mask >>> 0)) >>> 0;
  return [b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255].join('.');
}

function scopeNumber(scope: AddrScope, field: string): number {
  return SCOPES.number(scope, field);
}

function lifetime(v: number | 'forever' | undefined, field: string): number {
  if (v === undefined || v === 'forever') return INFINITY;
  if (!Number.isInteger(v) || v < 0 || v >= INFINITY) throw new RangeError(`${field}: must be seconds 0..4294967294 or 'forever', got ${String(v)}`);
  return v;
}

const ADD_KEYS = new Set<string>(['peer', 'broadcast', 'label', 'scope', 'validLft', 'preferredLft', 'metric', ...Object.keys(FLAG_OPTIONS)]);

/**
 * Every check of an address to add or replace, and its message without the
 * link's ifindex, without any I/O. Errors are TypeError/RangeError starting
 * 'OP: FIELD: '. (Exported for declarations checked as a whole before
 * anything is touched: topologies.)
 */
export function draftAddr(op: string, cidr: string, opts: AddrAddOptions & OperationOptions, dev?: LinkRef): { header: Record<string, number>; attrs: RawAttrs } {
  for (const k of Object.keys(opts)) if (!ADD_KEYS.has(k) && k !== 'signal') throw new TypeError(`${op}: ${k}: unknown option`);
  const c = parseCidr(cidr, `${op}: cidr`);
  let ifaFlags = 0;
  for (const [k, name] of Object.entries(FLAG_OPTIONS)) {
    const v = opts[k as keyof AddrFlagOptions];
    if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${op}: ${k}: must be a boolean`);
    if (v) ifaFlags |= constant(name);
  }
  const attrs: RawAttrs = { local: c.address, address: c.address };
  if (opts.peer !== undefined) {
    const p = parseCidr(opts.peer, `${op}: peer`);
    if (p.family !== c.family) throw new TypeError(`${op}: peer: family differs from the address`);
    attrs.address = p.address;
    if (opts.peer.includes('/')) c.prefixlen = p.prefixlen;
  }
  if (opts.broadcast !== undefined) {
    if (c.family !== 'inet') throw new TypeError(`${op}: broadcast: IPv4 only`);
    attrs.broadcast = opts.broadcast === '+' ? broadcastOf(c) : parseCidr(opts.broadcast, `${op}: broadcast`).address;
  }
  if (opts.label !== undefined) {
    if (typeof opts.label !== 'string' || opts.label.length === 0 || Buffer.byteLength(opts.label) > 15) throw new TypeError(`${op}: label: must be 1..15 bytes`);
    // As ip: the label is the device name or starts with it and a colon
    // (the kernel would take any; tools that read labels expect this).
    if (typeof dev === 'string' && opts.label !== dev && !opts.label.startsWith(`${dev}:`)) {
      throw new TypeError(`${op}: label: must be '${dev}' or start with '${dev}:', got '${opts.label}'`);
    }
    attrs.label = opts.label;
  }
  const valid = lifetime(opts.validLft, `${op}: validLft`);
  const preferred = lifetime(opts.preferredLft, `${op}: preferredLft`);
  if (preferred > valid) throw new RangeError(`${op}: preferredLft: must not exceed validLft`);
  if (valid !== INFINITY || preferred !== INFINITY) attrs.cacheinfo = { ifaPrefered: preferred, ifaValid: valid };
  if (opts.metric !== undefined) {
    if (!Number.isInteger(opts.metric) || opts.metric < 0 || opts.metric > INFINITY) throw new RangeError(`${op}: metric: must be 0..4294967295`);
    attrs.rtPriority = opts.metric;
  }
  // IFA_FLAGS carries all flag bits; the header's u8 keeps the low ones, as ip does.
  if (ifaFlags > 0xff) attrs.flags = ifaFlags;
  let scope = 0;
  if (opts.scope !== undefined) scope = scopeNumber(opts.scope, `${op}: scope`);
  else if (c.family === 'inet' && c.address.startsWith('127.')) scope = constant('RT_SCOPE_HOST');
  const header = { ifaFamily: constant(c.family === 'inet' ? 'AF_INET' : 'AF_INET6'), ifaPrefixlen: c.prefixlen, ifaFlags: ifaFlags & 0xff, ifaScope: scope };
  return { header, attrs };
}

/** The typed address operations of one rtnetlink handle. */
export class AddrApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkApi;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkApi) {
    this.#sock = sock;
    this.#link = link;
  }

  /**
   * Add an address to a link.
   *
   * Equivalent to: `ip addr add CIDR dev DEV [peer P] [brd B] [label L] [scope S] [nodad] ...`
   */
  add(dev: LinkRef, cidr: string, opts: AddrAddOptions & OperationOptions = {}): Promise<void> {
    return this.#change('addr.add', constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), dev, cidr, opts);
  }

  /**
   * Add an address, or change it if it exists.
   *
   * Equivalent to: `ip addr replace CIDR dev DEV ...`
   */
  replace(dev: LinkRef, cidr: string, opts: AddrAddOptions & OperationOptions = {}): Promise<void> {
    return this.#change('addr.replace', constant('NLM_F_CREATE') | constant('NLM_F_REPLACE'), dev, cidr, opts);
  }

  /**
   * Remove an address from a link. A point-to-point address is named with
   * its `peer`, as the kernel matches it.
   *
   * Equivalent to: `ip addr del CIDR [peer P] dev DEV`
   */
  async del(dev: LinkRef, cidr: string, opts: { peer?: string } & OperationOptions = {}): Promise<void> {
    const op = 'addr.del';
    const c = parseCidr(cidr, `${op}: cidr`);
    const ifindex = await this.#ifindex(op, dev, opts);
    const attrs: RawAttrs = { local: c.address };
    if (opts.peer !== undefined) {
      const p = parseCidr(opts.peer, `${op}: peer`);
      if (p.family !== c.family) throw new TypeError(`${op}: peer: family differs from the address`);
      attrs.address = p.address;
    } else if (c.family === 'inet') {
      attrs.address = c.address;
    }
    await this.#sock.request(op, constant('RTM_DELADDR'), 0, { header: this.#header(c, ifindex, 0), attrs }, opts, { dev, cidr });
  }

  /**
   * The addresses, optionally of one link or family.
   *
   * Equivalent to: `ip addr show [dev DEV]` / `ip -4 addr`, `ip -6 addr`
   */
  async list(filter: AddrFilter = {}, opts: DumpOptions = {}): Promise<Address[]> {
    const op = 'addr.list';
    const { family, dev } = filter;
    if (family !== undefined && family !== 'inet' && family !== 'inet6') throw new TypeError(`${op}: family: must be 'inet' or 'inet6'`);
    const ifindex = dev === undefined ? 0 : await this.#ifindex(op, dev, opts);
    const af = family === undefined ? constant('AF_UNSPEC') : constant(family === 'inet' ? 'AF_INET' : 'AF_INET6');
    // With strict checking the kernel filters by ifindex itself.
    const replies = await this.#sock.collect(op, constant('RTM_GETADDR'), { header: { ifaFamily: af, ifaIndex: ifindex } }, opts);
    const newaddr = constant('RTM_NEWADDR');
    return replies.filter((m) => m.type === newaddr).map(decodeAddress).filter((a) => ifindex === 0 || a.ifindex === ifindex);
  }

  /**
   * Remove every address of a link (of one family, if given).
   *
   * Equivalent to: `ip addr flush dev DEV`
   */
  async flush(dev: LinkRef, filter: { family?: 'inet' | 'inet6' } = {}, opts: OperationOptions = {}): Promise<void> {
    const list = await this.list({ dev, ...filter }, opts);
    // Secondaries go with their primary (IPv4): delete secondaries first and
    // ignore ones the kernel already removed.
    list.sort((a, b) => Number(b.flags.includes('secondary')) - Number(a.flags.includes('secondary')));
    for (const a of list) {
      try {
        await this.del(a.ifindex, a.cidr, a.peer === undefined ? opts : { ...opts, peer: a.peer });
      } catch (e) {
        if ((e as { code?: string }).code !== 'EADDRNOTAVAIL') throw e;
      }
    }
  }

  async #change(op: string, flags: number, dev: LinkRef, cidr: string, opts: AddrAddOptions & OperationOptions): Promise<void> {
    const d = draftAddr(op, cidr, opts, dev);
    const ifindex = await this.#ifindex(op, dev, opts);
    await this.#sock.request(op, constant('RTM_NEWADDR'), flags, { header: { ...d.header, ifaIndex: ifindex }, attrs: d.attrs }, opts, { dev, cidr, ...opts });
  }

  #header(c: Cidr, ifindex: number, flags: number): Record<string, number> {
    return { ifaFamily: constant(c.family === 'inet' ? 'AF_INET' : 'AF_INET6'), ifaPrefixlen: c.prefixlen, ifaFlags: flags, ifaIndex: ifindex };
  }

  async #ifindex(op: string, dev: LinkRef, opts: OperationOptions): Promise<number> {
    if (typeof dev === 'number') {
      if (!Number.isInteger(dev) || dev <= 0) throw new RangeError(`${op}: dev: ifindex must be a positive integer, got ${dev}`);
      return dev;
    }
    if (typeof dev !== 'string' || dev.length === 0) throw new TypeError(`${op}: dev: must be a link name or ifindex`);
    try {
      return await this.#link.index(dev, opts);
    } catch (e) {
      if (e instanceof Error && 'code' in e) Object.defineProperty(e, 'message', { value: `${op}: dev: no link '${dev}' (${String((e as { code: unknown }).code)})` });
      throw e;
    }
  }
}

/** Decode one RTM_NEWADDR message. */
export function decodeAddress(m: RawReply): Address {
  const h = m.header;
  const a = m.attrs;
  const family = h.ifaFamily === constant('AF_INET6') ? 'inet6' : 'inet';
  const local = (a.local ?? a.address) as string;
  const prefixlen = h.ifaPrefixlen as number;
  const allFlags = typeof a.flags === 'number' ? a.flags : (h.ifaFlags as number);
  const flags = FLAG_NAMES.flags(allFlags);
  const scopeNum = h.ifaScope as number;
  const scopeName = SCOPES.name(scopeNum); // the number when it has no name
  const ci = a.cacheinfo as { ifaPrefered?: number; ifaValid?: number } | undefined;
  const lft = (v: number | undefined): number | 'forever' => (v === undefined || v === INFINITY ? 'forever' : v);
  return {
    ifindex: h.ifaIndex as number,
    family,
    address: local,
    prefixlen,
    cidr: `${local}/${prefixlen}`,
    peer: a.local !== undefined && a.address !== undefined && a.address !== a.local ? (a.address as string) : undefined,
    broadcast: a.broadcast as string | undefined,
    label: a.label as string | undefined,
    scope: scopeName as AddrScope,
    flags,
    validLft: lft(ci?.ifaValid),
    preferredLft: lft(ci?.ifaPrefered),
    raw: m,
  };
}

/**
 * Decoding RTM_NEWQDISC / RTM_NEWTCLASS / RTM_NEWTFILTER messages into
 * {@link Qdisc}, {@link TcClass} and {@link Filter} objects: rates in bits/s,
 * bursts in bytes, handles as tc prints them.
 * @module
 */
import { constant, type RawAttrs, type RawReply } from '../../netlink/native.js';
import { formatHandle, formatParent, formatProtocol } from './units.js';
import { xmitsize } from './rates.js';
import type { Filter, Qdisc, TcClass, TcStats, U32Match } from './types.js';

type Fields = Record<string, number>;
const num = (f: Fields, k: string): number => f[k] ?? 0;

/** The queue statistics of TCA_STATS2 (basic + queue), if the kernel sent them. */
export function decodeStats(stats2: unknown): TcStats | undefined {
  if (stats2 === undefined || stats2 === null || typeof stats2 !== 'object') return undefined;
  const s = stats2 as { basic?: Fields; queue?: Fields };
  const b = s.basic ?? {};
  const q = s.queue ?? {};
  return {
    bytes: b.bytes ?? 0,
    packets: b.packets ?? 0,
    drops: q.drops ?? 0,
    overlimits: q.overlimits ?? 0,
    requeues: q.requeues ?? 0,
    qlen: q.qlen ?? 0,
    backlog: q.backlog ?? 0,
  };
}

const bits = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : bytes * 8);
const wide = (rate32: number, rate64: unknown): number => (typeof rate64 === 'number' ? rate64 : typeof rate64 === 'bigint' ? Number(rate64) : rate32);

/** Decode one RTM_NEWQDISC message. */
export function decodeQdisc(m: RawReply): Qdisc {
  const h = m.header;
  const kind = String(m.attrs.kind ?? '');
  const q: Qdisc = {
    ifindex: h.tcmIfindex as number,
    kind,
    handle: formatHandle(h.tcmHandle as number) === 'none' ? '0:' : formatHandle(h.tcmHandle as number),
    parent: formatParent(h.tcmParent as number),
    raw: m,
  };
  const o = m.attrs.options as RawAttrs | undefined;
  if (o && typeof o === 'object' && !Buffer.isBuffer(o)) {
    if (kind === 'tbf' && o.parms) {
      const p = o.parms as Fields;
      const rate = wide(num(p, 'rateRate'), o.rate64);
      q.rate = bits(rate);
      q.burst = xmitsize(rate, num(p, 'buffer'));
      q.limit = num(p, 'limit');
      if (num(p, 'peakrateRate')) {
        const peak = wide(num(p, 'peakrateRate'), o.prate64);
        q.peakrate = bits(peak);
        q.mtu = xmitsize(peak, num(p, 'mtu'));
      }
    } else if (kind === 'htb' && o.init) {
      const g = o.init as Fields;
      q.default = num(g, 'defcls').toString(16);
      q.r2q = num(g, 'rate2quantum');
      if (typeof o.directQlen === 'number') q.directQlen = o.directQlen;
    } else if ((kind === 'pfifo' || kind === 'bfifo') && o.header) {
      q.limit = (o.header as Fields).limit;
    }
  }
  const stats = decodeStats(m.attrs.stats2);
  if (stats) q.stats = stats;
  return q;
}

/** Decode one RTM_NEWTCLASS message. */
export function decodeClass(m: RawReply): TcClass {
  const h = m.header;
  const kind = String(m.attrs.kind ?? '');
  const c: TcClass = { ifindex: h.tcmIfindex as number, kind, classid: formatHandle(h.tcmHandle as number), parent: formatParent(h.tcmParent as number), raw: m };
  const o = m.attrs.options as RawAttrs | undefined;
  if (kind === 'htb' && o && typeof o === 'object' && o.parms) {
    const p = o.parms as Fields;
    const rate = wide(num(p, 'rateRate'), o.rate64);
    const ceil = wide(num(p, 'ceilRate'), o.ceil64);
    Object.assign(c, { rate: bits(rate), ceil: bits(ceil), burst: xmitsize(rate, num(p, 'buffer')), cburst: xmitsize(ceil, num(p, 'cbuffer')), prio: num(p, 'prio'), quantum: num(p, 'quantum'), level: num(p, 'level') });
  }
  const stats = decodeStats(m.attrs.stats2);
  if (stats) c.stats = stats;
  return c;
}

function decodeMatch(sel: Fields): Filter['match'] {
  if (sel.keyMask === undefined) return undefined;
  const [mask, val, off] = [num(sel, 'keyMask'), num(sel, 'keyVal'), num(sel, 'keyOff')];
  if (mask === 0 && val === 0) return 'all';
  // A prefix mask is ones then zeros: its complement's leading zeros are the length.
  const prefix = Math.clz32(~mask >>> 0);
  const isPrefix = prefix === 0 ? mask === 0 : (mask >>> 0) === ((0xffffffff << (32 - prefix)) >>> 0);
  if ((off === 16 || off === 12) && isPrefix) {
    const addr = [24, 16, 8, 0].map((s) => (val >>> s) & 0xff).join('.');
    const text = `${addr}/${prefix}`;
    return (off === 16 ? { dst: text } : { src: text }) as U32Match;
  }
  if (off === 20 && mask === 0xffff) return { dport: val & 0xffff };
  if (off === 20 && mask === 0xffff0000) return { sport: val >>> 16 };
  return { off, mask, val };
}

/** Decode one RTM_NEWTFILTER message. */
export function decodeFilter(m: RawReply): Filter {
  const h = m.header;
  const tinfo = h.tcmInfo as number;
  const proto = tinfo & 0xffff;
  const f: Filter = {
    ifindex: h.tcmIfindex as number,
    kind: String(m.attrs.kind ?? ''),
    parent: formatParent(h.tcmParent as number),
    protocol: formatProtocol(((proto & 0xff) << 8) | (proto >>> 8)),
    prio: tinfo >>> 16,
    handle: u32Handle(h.tcmHandle as number),
    raw: m,
  };
  const o = m.attrs.options as RawAttrs | undefined;
  if (f.kind === 'u32' && o && typeof o === 'object') {
    if (typeof o.classid === 'number') f.classid = formatHandle(o.classid);
    if (o.sel) f.match = decodeMatch(o.sel as Fields);
    if (Array.isArray(o.act)) f.actions = o.act.map(decodeAction);
  }
  return f;
}

function decodeAction(a: unknown): NonNullable<Filter['actions']>[number] {
  const attrs = (a ?? {}) as RawAttrs;
  const out: NonNullable<Filter['actions']>[number] = { kind: String(attrs.kind ?? '') };
  const parms = (attrs.options as RawAttrs | undefined)?.parms as Fields | undefined;
  if (out.kind === 'mirred' && parms) {
    const e = parms.eaction;
    out.direction = e === constant('TCA_INGRESS_REDIR') || e === constant('TCA_INGRESS_MIRROR') ? 'ingress' : 'egress';
    out.action = e === constant('TCA_EGRESS_MIRROR') || e === constant('TCA_INGRESS_MIRROR') ? 'mirror' : 'redirect';
    out.ifindex = parms.ifindex;
  }
  const stats = decodeStats(attrs.stats);
  if (stats) out.stats = stats;
  return out;
}

// u32 node handles are htid:hash:node (12:8:12 bits), printed as tc does ('800::800').
function u32Handle(h: number): string {
  const htid = h >>> 20;
  const hash = (h >>> 12) & 0xff;
  const node = h & 0xfff;
  let s = htid ? `${htid.toString(16)}:` : '';
  if (hash) s += hash.toString(16);
  if (node) s += `:${node.toString(16)}`;
  return s;
}

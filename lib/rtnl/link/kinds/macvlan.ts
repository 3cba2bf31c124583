/**
 * Link kinds `macvlan` and `macvtap` (IFLA_MACVLAN_*): links with their own
 * MAC address on top of a parent Ethernet link. macvtap is the same device
 * with a character device (/dev/tapN) for a VM's use.
 * @module
 */
import type { RawAttrs, RawValue } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import { type ConstantLookup, type EncodeEnv, type KindModule, type LinkRef, type ValidateContext, twinKind } from './kind.js';
import { checkBool, checkMac, checkOneOf, checkU32, join, rangeError, typeError, show } from './check.js';
import { dEnum, dNest, dNum, dStr, kOf, tryK, wordsOf } from './attr-values.js';

/**
 * How macvlan links on one parent talk to each other (`mode MODE`):
 * 'private' not at all, 'vepa' through the external switch (the kernel's
 * default), 'bridge' directly, 'passthru' one link takes over the parent,
 * 'source' accept only frames from listed source MACs.
 */
export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';

/** macvlan/macvtap options; all changeable with `set` (with `kind`). */
export interface MacvlanOptions {
  /** The mode (`mode private|vepa|bridge|passthru|source`). Kernel default 'vepa'. */
  mode?: MacvlanMode;
  /** In passthru mode, do not put the parent in promiscuous mode (`flag nopromisc`). */
  nopromisc?: boolean;
  /**
   * For mode 'source': the source MACs accepted (`macaddr set MAC ...`).
   * On `set` the list replaces the current one; `[]` flushes it
   * (`macaddr flush`).
   */
  sourceMacs?: string[];
  /** Length of the broadcast/multicast receive queue (`bcqueuelen N`). */
  bcQueueLen?: number;
}

/**
 * `nl.link.add({ kind: 'macvlan', name, parent, mode })`.
 * Equivalent to: `ip link add link PARENT name NAME type macvlan mode MODE`.
 */
export interface MacvlanAddOptions extends LinkCommonAddOptions, MacvlanOptions {
  /** The link kind (IFLA_INFO_KIND 'macvlan'). */
  kind: 'macvlan';
  /** The parent link (`link DEV`; IFLA_LINK). */
  parent: LinkRef;
}

/**
 * `nl.link.add({ kind: 'macvtap', name, parent, mode })`.
 * Equivalent to: `ip link add link PARENT name NAME type macvtap mode MODE`.
 */
export interface MacvtapAddOptions extends LinkCommonAddOptions, MacvlanOptions {
  /** The link kind (IFLA_INFO_KIND 'macvtap'). */
  kind: 'macvtap';
  /** The parent link (`link DEV`; IFLA_LINK). */
  parent: LinkRef;
}

/** What `get`/`list` report about a macvlan/macvtap. */
export interface MacvlanInfo {
  /** The mode (a number if the kernel reports one netloom does not know). */
  mode?: MacvlanMode | number;
  /** MACVLAN_FLAG_NOPROMISC is set. */
  nopromisc?: boolean;
  /** Source MACs (mode 'source'). */
  sourceMacs?: string[];
  /** Number of source MACs (mode 'source'). */
  sourceMacCount?: number;
  /** Broadcast queue length. */
  bcQueueLen?: number;
}

const MODES: ReadonlyArray<readonly [MacvlanMode, string]> = [
  ['private', 'MACVLAN_MODE_PRIVATE'],
  ['vepa', 'MACVLAN_MODE_VEPA'],
  ['bridge', 'MACVLAN_MODE_BRIDGE'],
  ['passthru', 'MACVLAN_MODE_PASSTHRU'],
  ['source', 'MACVLAN_MODE_SOURCE'],
];

/** The macvlan/macvtap option names. */
export const MACVLAN_OPTIONS: readonly string[] = ['mode', 'nopromisc', 'sourceMacs', 'bcQueueLen'];

/** Check macvlan options. `sourceMacs` needs mode 'source' (on add; on set when mode is given too). */
export function validate(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void {
  if (spec.mode !== undefined) checkOneOf(ctx, join(path, 'mode'), spec.mode, wordsOf(MODES));
  if (spec.nopromisc !== undefined) checkBool(ctx, join(path, 'nopromisc'), spec.nopromisc);
  if (spec.bcQueueLen !== undefined) checkU32(ctx, join(path, 'bcQueueLen'), spec.bcQueueLen);
  if (spec.sourceMacs !== undefined) {
    const p = join(path, 'sourceMacs');
    if (!Array.isArray(spec.sourceMacs)) typeError(ctx, p, `must be an array of MAC addresses, got ${show(spec.sourceMacs)}`);
    spec.sourceMacs.forEach((m: unknown, i: number) => checkMac(ctx, `${p}[${i}]`, m, false));
    if ((ctx.mode === 'add' || spec.mode !== undefined) && spec.mode !== 'source') {
      rangeError(ctx, p, `needs mode 'source', got mode ${show(spec.mode)}`);
    }
  }
}

/** IFLA_INFO_DATA of validated macvlan options. */
export function encode(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): { data?: RawAttrs } {
  const { k } = env;
  const data: RawAttrs = {};
  if (typeof spec.mode === 'string') data.mode = kOf(k, MODES, spec.mode as MacvlanMode);
  if (typeof spec.nopromisc === 'boolean') data.flags = spec.nopromisc ? k('MACVLAN_FLAG_NOPROMISC') : 0;
  if (typeof spec.bcQueueLen === 'number') data.bcQueueLen = spec.bcQueueLen;
  const macs = spec.sourceMacs as string[] | undefined;
  if (macs !== undefined) {
    const lower = macs.map((m) => m.toLowerCase());
    if (lower.length === 0) {
      if (env.mode === 'set') data.macaddrMode = k('MACVLAN_MACADDR_FLUSH');
    } else if (lower.length === 1 && env.mode === 'add') {
      // What `ip link add ... macaddr add MAC` sends.
      data.macaddrMode = k('MACVLAN_MACADDR_ADD');
      data.macaddr = lower[0] as string;
    } else {
      data.macaddrMode = k('MACVLAN_MACADDR_SET');
      data.macaddrData = { macaddr: lower };
    }
  }
  return Object.keys(data).length > 0 ? { data } : {};
}

function macList(v: RawValue | undefined): string[] | undefined {
  if (Array.isArray(v)) return v.filter((m): m is string => typeof m === 'string');
  const nest = dNest(v);
  if (nest === undefined) return undefined;
  const inner = nest.macaddr;
  if (Array.isArray(inner)) return inner.filter((m): m is string => typeof m === 'string');
  const one = dStr(inner);
  return one === undefined ? [] : [one];
}

/** Friendly fields from a macvlan's IFLA_INFO_DATA. */
export function decode(data: RawAttrs, k: ConstantLookup): MacvlanInfo {
  const out: MacvlanInfo = {};
  const mode = dEnum(k, MODES, data.mode);
  if (mode !== undefined) out.mode = mode;
  const flags = dNum(data.flags);
  const nopromisc = tryK(k, 'MACVLAN_FLAG_NOPROMISC');
  if (flags !== undefined && nopromisc !== undefined) out.nopromisc = (flags & nopromisc) !== 0;
  const macs = macList(data.macaddrData);
  if (macs !== undefined) out.sourceMacs = macs;
  const count = dNum(data.macaddrCount);
  if (count !== undefined) out.sourceMacCount = count;
  const bc = dNum(data.bcQueueLen);
  if (bc !== undefined) out.bcQueueLen = bc;
  return out;
}

/** The macvlan kind for the registry. */
export const macvlanKind: KindModule<'macvlan', MacvlanAddOptions, MacvlanOptions, MacvlanInfo> = {
  kind: 'macvlan',
  options: MACVLAN_OPTIONS,
  setOptions: MACVLAN_OPTIONS,
  parent: 'required',
  refs: [],
  validate,
  encode,
  decode,
};

/** The macvtap kind for the registry (same options as macvlan). */
export const macvtapKind: KindModule<'macvtap', MacvtapAddOptions, MacvlanOptions, MacvlanInfo> = twinKind(macvlanKind, 'macvtap');

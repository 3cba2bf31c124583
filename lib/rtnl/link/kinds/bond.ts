/**
 * Link kind `bond` (IFLA_BOND_*): link aggregation, several ports behind
 * one link for failover or load sharing. Ports join with `master`
 * (`ip link set PORT master BOND`); what a port reports about itself is
 * decoded as `bondPort` (bond-port.ts).
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import type { EncodeEnv, KindModule, LinkRef } from './kind.js';
import { checkLinkRef, checkOneOf, join, rangeError } from './check.js';
import { dEnum, dNum } from './attr-values.js';
import { type Field, decodeFields, encodeFields, enumField, intField, optionsOf, validateFields } from './fields.js';

/** The bonding mode (`mode`). */
export type BondMode = 'balance-rr' | 'active-backup' | 'balance-xor' | 'broadcast' | '802.3ad' | 'balance-tlb' | 'balance-alb';
/** How balance-xor, 802.3ad and balance-tlb pick a port for a flow (`xmit_hash_policy`). */
export type BondXmitHashPolicy = 'layer2' | 'layer3+4' | 'layer2+3' | 'encap2+3' | 'encap3+4' | 'vlan+srcmac';
/** How often the 802.3ad partner is asked for LACPDUs (`lacp_rate slow|fast`): every 30 s or every second. */
export type BondLacpRate = 'slow' | 'fast';
/** Which 802.3ad aggregator is active (`ad_select stable|bandwidth|count`). */
export type BondAdSelect = 'stable' | 'bandwidth' | 'count';

/** bond options; all of them may also be changed with `set` (the kernel refuses some while the bond is up or has ports). */
export interface BondOptions {
  /** The bonding mode (`mode`). Kernel default 'balance-rr'. */
  mode?: BondMode;
  /** MII link monitoring interval in milliseconds, 0 for none (`miimon MS`). */
  miimon?: number;
  /** Wait this many milliseconds before using a port whose link came up (`updelay MS`); needs miimon. */
  updelay?: number;
  /** Wait this many milliseconds before dropping a port whose link went down (`downdelay MS`); needs miimon. */
  downdelay?: number;
  /** 802.3ad only: the LACPDU rate asked of the partner (`lacp_rate`). Kernel default 'slow'. */
  lacpRate?: BondLacpRate;
  /** The transmit hash policy (`xmit_hash_policy`). Kernel default 'layer2'. */
  xmitHashPolicy?: BondXmitHashPolicy;
  /** active-backup, balance-tlb and balance-alb: the port to prefer whenever it is up (`primary DEV`). */
  primary?: LinkRef;
  /** The fewest ports that must be up for the bond to have carrier (`min_links N`). Default 0. */
  minLinks?: number;
  /** 802.3ad: the aggregator selection policy (`ad_select`). Kernel default 'stable'. */
  adSelect?: BondAdSelect;
}

/**
 * `nl.link.add({ kind: 'bond', name, mode, miimon, ... })`.
 * Equivalent to: `ip link add NAME type bond mode MODE [miimon MS] [updelay MS] [downdelay MS] [lacp_rate slow|fast] [xmit_hash_policy POLICY] [primary DEV] [min_links N] [ad_select POLICY]`.
 */
export interface BondAddOptions extends LinkCommonAddOptions, BondOptions {
  /** The link kind (IFLA_INFO_KIND 'bond'). */
  kind: 'bond';
}

/** bond options `set` may change: all of them. Equivalent to: `ip link set NAME type bond OPTIONS`. */
export type BondSetOptions = BondOptions;

/** What `get`/`list` report about a bond. */
export interface BondInfo extends Omit<BondOptions, 'mode' | 'lacpRate' | 'xmitHashPolicy' | 'adSelect' | 'primary'> {
  /** A number if unknown to netloom (likewise the other words). */
  mode?: BondMode | number;
  lacpRate?: BondLacpRate | number;
  xmitHashPolicy?: BondXmitHashPolicy | number;
  adSelect?: BondAdSelect | number;
  /** The primary port's ifindex. */
  primary?: number;
  /** The port in use, for the modes with one (active-backup, balance-tlb, balance-alb): its ifindex. */
  activePort?: number;
}

const MODES: ReadonlyArray<readonly [BondMode, string]> = [
  ['balance-rr', 'BOND_MODE_ROUNDROBIN'],
  ['active-backup', 'BOND_MODE_ACTIVEBACKUP'],
  ['balance-xor', 'BOND_MODE_XOR'],
  ['broadcast', 'BOND_MODE_BROADCAST'],
  ['802.3ad', 'BOND_MODE_8023AD'],
  ['balance-tlb', 'BOND_MODE_TLB'],
  ['balance-alb', 'BOND_MODE_ALB'],
];
const XMIT: ReadonlyArray<readonly [BondXmitHashPolicy, string]> = [
  ['layer2', 'BOND_XMIT_POLICY_LAYER2'],
  ['layer3+4', 'BOND_XMIT_POLICY_LAYER34'],
  ['layer2+3', 'BOND_XMIT_POLICY_LAYER23'],
  ['encap2+3', 'BOND_XMIT_POLICY_ENCAP23'],
  ['encap3+4', 'BOND_XMIT_POLICY_ENCAP34'],
  ['vlan+srcmac', 'BOND_XMIT_POLICY_VLAN_SRCMAC'],
];
// lacp_rate and ad_select have no UAPI names: the kernel's values are
// AD_LACP_SLOW/FAST and BOND_AD_STABLE/BANDWIDTH/COUNT of
// include/net/bond_3ad.h, the positions of these words in its option
// tables (bond_options.c), which is also how iproute2's iplink_bond.c
// sends them.
const LACP_RATES: readonly BondLacpRate[] = ['slow', 'fast'];
const AD_SELECTS: readonly BondAdSelect[] = ['stable', 'bandwidth', 'count'];

const MS_MAX = 0x7fffffff;
const FIELDS: readonly Field[] = [
  enumField('mode', 'mode', MODES),
  intField('miimon', 'miimon', 0, MS_MAX),
  intField('updelay', 'updelay', 0, MS_MAX),
  intField('downdelay', 'downdelay', 0, MS_MAX),
  enumField('xmitHashPolicy', 'xmitHashPolicy', XMIT),
  intField('minLinks', 'minLinks', 0, 0xffffffff),
];

/** The bond option names. */
export const BOND_OPTIONS: readonly string[] = [...optionsOf(FIELDS), 'lacpRate', 'primary', 'adSelect'];

/** The modes whose options the kernel accepts only in some modes (bond_options.c `unsuppmodes`). */
const MODE_ONLY: ReadonlyArray<readonly [option: string, modes: readonly BondMode[]]> = [
  ['lacpRate', ['802.3ad']],
  ['primary', ['active-backup', 'balance-tlb', 'balance-alb']],
];

/** The bond kind for the registry. */
export const bondKind: KindModule<'bond', BondAddOptions, BondSetOptions, BondInfo> = {
  kind: 'bond',
  options: BOND_OPTIONS,
  setOptions: BOND_OPTIONS,
  parent: 'none',
  refs: ['primary'],
  validate(spec, ctx, path) {
    const at = (key: string): string => join(path, key);
    validateFields(spec, FIELDS, ctx, path);
    if (spec.lacpRate !== undefined) checkOneOf(ctx, at('lacpRate'), spec.lacpRate, LACP_RATES);
    if (spec.adSelect !== undefined) checkOneOf(ctx, at('adSelect'), spec.adSelect, AD_SELECTS);
    if (spec.primary !== undefined) checkLinkRef(ctx, at('primary'), spec.primary);
    // The mode in force: the one given, or on add the kernel's default.
    const mode = (spec.mode as BondMode | undefined) ?? (ctx.mode === 'add' ? 'balance-rr' : undefined);
    if (mode !== undefined) {
      for (const [option, modes] of MODE_ONLY) {
        if (spec[option] !== undefined && !modes.includes(mode)) {
          rangeError(ctx, at(option), `applies to mode${modes.length > 1 ? 's' : ''} ${modes.map((m) => `'${m}'`).join(', ')} only; the bond's mode is '${mode}'`);
        }
      }
    }
    if (ctx.mode === 'add' && !(typeof spec.miimon === 'number' && spec.miimon > 0)) {
      for (const key of ['updelay', 'downdelay']) {
        if (spec[key] !== undefined && spec[key] !== 0) rangeError(ctx, at(key), 'needs miimon (the kernel refuses link delays without MII monitoring)');
      }
    }
  },
  encode(spec, env: EncodeEnv) {
    const data: RawAttrs = {};
    encodeFields(spec, FIELDS, env.k, data);
    if (typeof spec.lacpRate === 'string') data.adLacpRate = LACP_RATES.indexOf(spec.lacpRate as BondLacpRate);
    if (typeof spec.adSelect === 'string') data.adSelect = AD_SELECTS.indexOf(spec.adSelect as BondAdSelect);
    if (spec.primary !== undefined) {
      const ifindex = env.resolved.primary ?? (typeof spec.primary === 'number' ? spec.primary : undefined);
      if (ifindex === undefined) throw new Error('netloom: bond primary was not resolved to an ifindex');
      data.primary = ifindex;
    }
    return Object.keys(data).length > 0 ? { data } : {};
  },
  decode(data, k) {
    const out = decodeFields(data, FIELDS.filter((f) => f.type !== 'enum'), k) as BondInfo;
    const mode = dEnum(k, MODES, data.mode);
    if (mode !== undefined) out.mode = mode;
    const xmit = dEnum(k, XMIT, data.xmitHashPolicy);
    if (xmit !== undefined) out.xmitHashPolicy = xmit;
    const rate = dNum(data.adLacpRate);
    if (rate !== undefined) out.lacpRate = LACP_RATES[rate] ?? rate;
    const sel = dNum(data.adSelect);
    if (sel !== undefined) out.adSelect = AD_SELECTS[sel] ?? sel;
    const primary = dNum(data.primary);
    if (primary !== undefined && primary !== 0) out.primary = primary;
    const active = dNum(data.activeSlave);
    if (active !== undefined && active !== 0) out.activePort = active;
    return out;
  },
};

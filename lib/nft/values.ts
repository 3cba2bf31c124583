/**
 * The nf_tables vocabulary: family, hook, chain type, policy and priority
 * names and their numbers (from the addon's UAPI constants), and which hooks,
 * types and priority names each family has (nft(8), "CHAINS").
 * @module
 */
import { constant } from '../netlink/native.js';
import type { NftChainType, NftFamily, NftHook, NftPolicy, NftPriorityName } from './types.js';

/** Family name → NFPROTO_* constant. */
const FAMILY_CONSTANTS: Record<NftFamily, string> = {
  ip: 'NFPROTO_IPV4',
  ip6: 'NFPROTO_IPV6',
  inet: 'NFPROTO_INET',
  arp: 'NFPROTO_ARP',
  bridge: 'NFPROTO_BRIDGE',
  netdev: 'NFPROTO_NETDEV',
};

export const FAMILIES = Object.keys(FAMILY_CONSTANTS) as NftFamily[];

/** The nfgen_family of a family name. */
export function familyNumber(family: NftFamily): number {
  return constant(FAMILY_CONSTANTS[family]);
}

/** A family number back to its name (the number itself if unknown). */
export function familyName(n: number): NftFamily | number {
  return FAMILIES.find((f) => familyNumber(f) === n) ?? n;
}

const INET_HOOKS: Partial<Record<NftHook, string>> = {
  prerouting: 'NF_INET_PRE_ROUTING',
  input: 'NF_INET_LOCAL_IN',
  forward: 'NF_INET_FORWARD',
  output: 'NF_INET_LOCAL_OUT',
  postrouting: 'NF_INET_POST_ROUTING',
};

/** The hooks of each family, with their constants (bridge's NF_BR_* have the NF_INET_* values). */
const HOOKS: Record<NftFamily, Partial<Record<NftHook, string>>> = {
  ip: INET_HOOKS,
  ip6: INET_HOOKS,
  inet: { ...INET_HOOKS, ingress: 'NF_INET_INGRESS' },
  bridge: INET_HOOKS,
  arp: { input: 'NF_ARP_IN', output: 'NF_ARP_OUT' },
  netdev: { ingress: 'NF_NETDEV_INGRESS', egress: 'NF_NETDEV_EGRESS' },
};

/** The hook names a family has. */
export function hooksOf(family: NftFamily): NftHook[] {
  return Object.keys(HOOKS[family]) as NftHook[];
}

/** The hook number of a hook the family has (undefined otherwise). */
export function hookNumber(family: NftFamily, hook: NftHook): number | undefined {
  const c = HOOKS[family][hook];
  return c === undefined ? undefined : constant(c);
}

/** A hook number back to its name in this family. */
export function hookName(family: NftFamily | number, n: number): NftHook | number {
  if (typeof family === 'number') return n;
  return hooksOf(family).find((h) => hookNumber(family, h) === n) ?? n;
}

/** Chain types, the families that have them and the hooks they attach to (undefined: every hook). */
export const CHAIN_TYPES: Record<NftChainType, { families: NftFamily[]; hooks?: NftHook[] }> = {
  filter: { families: FAMILIES },
  nat: { families: ['ip', 'ip6', 'inet'], hooks: ['prerouting', 'input', 'output', 'postrouting'] },
  route: { families: ['ip', 'ip6', 'inet'], hooks: ['output'] },
};

interface PriorityDef {
  value: number;
  families: NftFamily[];
  /** undefined: every hook of the family. */
  hooks?: NftHook[];
}

const IP = ['ip', 'ip6', 'inet'] as NftFamily[];

/**
 * Standard priority names (nft(8) tables 7 and 8, and nftables'
 * std_prio_family_hook_compat): the values are the kernel's NF_IP_PRI_*;
 * the bridge family has values of its own.
 */
function priorityDefs(family: NftFamily): Partial<Record<NftPriorityName, PriorityDef>> {
  if (family === 'bridge') {
    return {
      dstnat: { value: constant('NF_BR_PRI_NAT_DST_BRIDGED'), families: ['bridge'], hooks: ['prerouting'] },
      filter: { value: constant('NF_BR_PRI_FILTER_BRIDGED'), families: ['bridge'] },
      out: { value: constant('NF_BR_PRI_NAT_DST_OTHER'), families: ['bridge'], hooks: ['output'] },
      srcnat: { value: constant('NF_BR_PRI_NAT_SRC'), families: ['bridge'], hooks: ['postrouting'] },
    };
  }
  return {
    raw: { value: constant('NF_IP_PRI_RAW'), families: IP },
    mangle: { value: constant('NF_IP_PRI_MANGLE'), families: IP },
    dstnat: { value: constant('NF_IP_PRI_NAT_DST'), families: IP, hooks: ['prerouting', 'output'] },
    filter: { value: constant('NF_IP_PRI_FILTER'), families: [...IP, 'arp', 'netdev'] },
    security: { value: constant('NF_IP_PRI_SECURITY'), families: IP },
    srcnat: { value: constant('NF_IP_PRI_NAT_SRC'), families: IP, hooks: ['input', 'postrouting'] },
  };
}

/**
 * The value of a standard priority name for this family and hook, or a
 * sentence saying why it does not apply.
 */
export function priorityValue(family: NftFamily, hook: NftHook, name: string): number | string {
  const defs = priorityDefs(family);
  const d = (defs as Record<string, PriorityDef | undefined>)[name];
  if (d === undefined || !d.families.includes(family)) {
    const known = Object.entries(defs)
      .filter(([, v]) => v.families.includes(family))
      .map(([k]) => k);
    return `must be an integer or one of ${known.join(', ')} (family ${family}), got '${name}'`;
  }
  if (d.hooks !== undefined && !d.hooks.includes(hook)) return `'${name}' is only for the ${d.hooks.join('/')} hook${d.hooks.length > 1 ? 's' : ''} in family ${family}, not ${hook}`;
  return d.value;
}

/** Policy name → NF_* verdict constant. */
export const POLICIES: Record<NftPolicy, string> = { accept: 'NF_ACCEPT', drop: 'NF_DROP' };

/** A policy number back to its name. */
export function policyName(n: number): NftPolicy | number {
  return n === constant('NF_ACCEPT') ? 'accept' : n === constant('NF_DROP') ? 'drop' : n;
}

/**
 * The nftnl_udata type nft stores a table's or a chain's comment under
 * (NFTNL_UDATA_TABLE_COMMENT, NFTNL_UDATA_CHAIN_COMMENT: libnftnl's
 * include/libnftnl/udata.h, a userspace convention with no UAPI header).
 */
export const UDATA_COMMENT = 0;

/** The longest comment nft accepts ("comment too long, 128 characters maximum allowed"). */
export const COMMENT_MAX = 128;

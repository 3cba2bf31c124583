/**
 * The vocabulary of rules: protocol, conntrack state, rate unit, log level
 * and reject names and their numbers, as nft(8) spells them.
 * @module
 */
import { constant } from '../netlink/native.js';
import type { NftCtState, NftLogLevel, NftRateUnit, NftReject } from './rule-types.js';
import type { NftFamily } from './types.js';

/** IP protocol numbers (IANA; /etc/protocols). */
export const L4_PROTOS: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132, udplite: 136 };

/** The protocols whose header starts with a source and a destination port. */
export const PORT_PROTOS: readonly string[] = ['tcp', 'udp', 'sctp', 'udplite'];

/** The name of a protocol number, or the number. */
export function protoName(n: number): string | number {
  return Object.keys(L4_PROTOS).find((k) => L4_PROTOS[k] === n) ?? n;
}

/** `ct state` names → the constant of their bit (nf_conntrack_common.h). */
export const CT_STATES: Record<NftCtState, string> = {
  invalid: 'NF_CT_STATE_INVALID_BIT',
  established: 'NF_CT_STATE_ESTABLISHED_BIT',
  related: 'NF_CT_STATE_RELATED_BIT',
  new: 'NF_CT_STATE_NEW_BIT',
  untracked: 'NF_CT_STATE_UNTRACKED_BIT',
};

/** The bits of a list of states. */
export function ctBits(states: readonly NftCtState[]): number {
  return states.reduce((m, s) => m | constant(CT_STATES[s]), 0);
}

/** The states of bits, in nft's order; undefined if some bit has no name. */
export function ctStates(bits: number): NftCtState[] | undefined {
  const out = (Object.keys(CT_STATES) as NftCtState[]).filter((s) => (bits & constant(CT_STATES[s])) !== 0);
  return ctBits(out) === bits ? out : undefined;
}

/** Seconds per `limit` unit. */
export const RATE_UNITS: Record<NftRateUnit, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 };

/** Syslog levels (syslog.h). */
export const LOG_LEVELS: Record<NftLogLevel, number> = { emerg: 0, alert: 1, crit: 2, err: 3, warn: 4, notice: 5, info: 6, debug: 7 };

/** ICMP (RFC 792), ICMPv6 (RFC 4443) and nft's icmpx codes of each reject kind. */
export const REJECTS: Record<Exclude<NftReject, 'tcp-reset'>, { icmp: number; icmpv6: number; icmpx: string }> & Record<'tcp-reset', null> = {
  'icmp-port-unreachable': { icmp: 3, icmpv6: 4, icmpx: 'NFT_REJECT_ICMPX_PORT_UNREACH' },
  'host-unreachable': { icmp: 1, icmpv6: 3, icmpx: 'NFT_REJECT_ICMPX_HOST_UNREACH' },
  'no-route': { icmp: 0, icmpv6: 0, icmpx: 'NFT_REJECT_ICMPX_NO_ROUTE' },
  'admin-prohibited': { icmp: 13, icmpv6: 1, icmpx: 'NFT_REJECT_ICMPX_ADMIN_PROHIBITED' },
  'tcp-reset': null,
};

/** The reject expression's type and code for a kind in a family. */
export function rejectCode(how: NftReject, family: NftFamily): { type: 'icmp' | 'tcp-reset' | 'icmpx'; code: number } {
  if (how === 'tcp-reset') return { type: 'tcp-reset', code: 0 };
  const r = REJECTS[how];
  if (family === 'ip') return { type: 'icmp', code: r.icmp };
  if (family === 'ip6') return { type: 'icmp', code: r.icmpv6 };
  return { type: 'icmpx', code: constant(r.icmpx) };
}

/** The reject kind back from type and code in a family. */
export function rejectName(type: 'icmp' | 'tcp-reset' | 'icmpx', code: number, family: NftFamily | number): NftReject | undefined {
  if (type === 'tcp-reset') return 'tcp-reset';
  for (const k of Object.keys(REJECTS) as NftReject[]) {
    if (k === 'tcp-reset' || typeof family === 'number') continue;
    const r = rejectCode(k, family);
    if (r.type === type && r.code === code) return k;
  }
  return undefined;
}

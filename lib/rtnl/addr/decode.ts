/**
 * Decoding RTM_NEWADDR messages into {@link Address} objects.
 * @module
 */
import type { RawReply } from '../../netlink/native.js';
import { ConstantNames } from '../../netlink/constant-names.js';
import { U32_MAX } from '../values/checks.js';
import { SCOPES, inetFamilyName } from '../values/tables.js';
import type { Address, AddrScope } from './types.js';

/** INFINITY_LIFE_TIME: a lifetime of 'forever'. */
const INFINITY = U32_MAX;
const FLAG_NAMES = new ConstantNames({
  secondary: 'IFA_F_SECONDARY', nodad: 'IFA_F_NODAD', optimistic: 'IFA_F_OPTIMISTIC', dadfailed: 'IFA_F_DADFAILED',
  home: 'IFA_F_HOMEADDRESS', deprecated: 'IFA_F_DEPRECATED', tentative: 'IFA_F_TENTATIVE', permanent: 'IFA_F_PERMANENT',
  mngtmpaddr: 'IFA_F_MANAGETEMPADDR', noprefixroute: 'IFA_F_NOPREFIXROUTE', autojoin: 'IFA_F_MCAUTOJOIN', 'stable-privacy': 'IFA_F_STABLE_PRIVACY',
});

/** Decode one RTM_NEWADDR message. */
export function decodeAddress(m: RawReply): Address {
  const h = m.header;
  const a = m.attrs;
  const family = inetFamilyName(h.ifaFamily);
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

/**
 * Link kind `ipip` (IFLA_IPTUN_*): IPv4 in IPv4 (RFC 2003), the simplest L3
 * tunnel; the overlay Calico and flannel use in ipip mode.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import type { Tunnel4Options, TunnelInfo } from './tunnel-common.js';
import { iptunModule } from './iptun-common.js';

/** What an ipip tunnel carries (`mode ipip|mplsip|any`): 'any' is both. */
export type IpipMode = 'any' | 'ipip' | 'mplsip';

/**
 * `nl.link.add({ kind: 'ipip', name, remote, local, ... })`.
 * Equivalent to: `ip link add NAME type ipip remote ADDR local ADDR [ttl N] [tos N] [dev DEV] [mode MODE] ...`.
 */
export interface IpipAddOptions extends LinkCommonAddOptions, Tunnel4Options {
  /** The link kind (IFLA_INFO_KIND 'ipip'). */
  kind: 'ipip';
  /** The inner protocol (`mode`). Default 'any', as ip sends it. */
  mode?: IpipMode;
}

/** What `get`/`list` report about an ipip tunnel. */
export interface IpipInfo extends TunnelInfo {
  /** A number if unknown to netloom. */
  mode?: IpipMode | number;
}

/** The ipip kind for the registry. */
export const ipipKind = iptunModule<'ipip', IpipMode, IpipAddOptions, IpipInfo>({ kind: 'ipip', family: 4, twin: 'ip6tnl', alwaysLink: true }, [
  ['any', 'IPPROTO_IP'],
  ['ipip', 'IPPROTO_IPIP'],
  ['mplsip', 'IPPROTO_MPLS'],
]);

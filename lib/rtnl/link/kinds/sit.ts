/**
 * Link kind `sit` (IFLA_IPTUN_*): IPv6 (and optionally IPv4 or MPLS) in
 * IPv4, the "simple internet transition" tunnel of 6in4 set-ups.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import type { Tunnel4Options, TunnelInfo } from './tunnel-common.js';
import { iptunModule } from './iptun-common.js';

/** What a sit tunnel carries (`mode ip6ip|ipip|mplsip|any`). */
export type SitMode = 'any' | 'ip6ip' | 'ipip' | 'mplsip';

/**
 * `nl.link.add({ kind: 'sit', name, remote, local, ... })`.
 * Equivalent to: `ip link add NAME type sit remote ADDR local ADDR [ttl N] [tos N] [dev DEV] [mode MODE] ...`.
 */
export interface SitAddOptions extends LinkCommonAddOptions, Tunnel4Options {
  /** The link kind (IFLA_INFO_KIND 'sit'). */
  kind: 'sit';
  /** The inner protocol (`mode`). Default 'any', as ip sends it. */
  mode?: SitMode;
}

/** What `get`/`list` report about a sit tunnel. */
export interface SitInfo extends TunnelInfo {
  /** A number if unknown to netloom. */
  mode?: SitMode | number;
}

/** The sit kind for the registry. */
export const sitKind = iptunModule<'sit', SitMode, SitAddOptions, SitInfo>(
  { kind: 'sit', family: 4, twin: 'ip6tnl', alwaysLink: true },
  [
    ['any', 'IPPROTO_IP'],
    ['ip6ip', 'IPPROTO_IPV6'],
    ['ipip', 'IPPROTO_IPIP'],
    ['mplsip', 'IPPROTO_MPLS'],
  ],
  { flags: true },
);

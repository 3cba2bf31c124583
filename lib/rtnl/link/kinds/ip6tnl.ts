/**
 * Link kind `ip6tnl` (IFLA_IPTUN_*): IPv6 or IPv4 in IPv6 (RFC 2473).
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import type { Tunnel6Options, TunnelInfo } from './tunnel-common.js';
import { iptunModule } from './iptun-common.js';

/** What an ip6tnl tunnel carries (`mode ip6ip6|ipip6|any`): IPv6, IPv4, or both. */
export type Ip6tnlMode = 'any' | 'ip6ip6' | 'ipip6';

/**
 * `nl.link.add({ kind: 'ip6tnl', name, remote, local, mode, ... })`.
 * Equivalent to: `ip link add NAME type ip6tnl mode MODE remote ADDR6 local ADDR6 [hoplimit N] [encaplimit N|none] [flowlabel N] [dev DEV] ...`.
 */
export interface Ip6tnlAddOptions extends LinkCommonAddOptions, Tunnel6Options {
  /** The link kind (IFLA_INFO_KIND 'ip6tnl'). */
  kind: 'ip6tnl';
  /** The inner protocol (`mode`). Default 'any', as ip sends it. */
  mode?: Ip6tnlMode;
}

/** What `get`/`list` report about an ip6tnl tunnel. */
export interface Ip6tnlInfo extends TunnelInfo {
  /** A number if unknown to netloom. */
  mode?: Ip6tnlMode | number;
}

/** The ip6tnl kind for the registry. */
export const ip6tnlKind = iptunModule<'ip6tnl', Ip6tnlMode, Ip6tnlAddOptions, Ip6tnlInfo>({ kind: 'ip6tnl', family: 6, twin: 'ipip or sit', alwaysLink: true }, [
  ['any', 'IPPROTO_IP'],
  ['ip6ip6', 'IPPROTO_IPV6'],
  ['ipip6', 'IPPROTO_IPIP'],
]);

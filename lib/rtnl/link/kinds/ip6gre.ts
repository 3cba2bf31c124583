/**
 * Link kind `ip6gre` (IFLA_GRE_*): a GRE tunnel over IPv6 carrying IP packets.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import { type GreKeyInfo, type GreKeyOptions, greModule } from './gre-common.js';
import type { Tunnel6Options, TunnelInfo } from './tunnel-common.js';

/**
 * `nl.link.add({ kind: 'ip6gre', name, remote, local, ... })`.
 * Equivalent to: `ip link add NAME type ip6gre remote ADDR6 local ADDR6 [hoplimit N] [encaplimit N|none] [flowlabel N] [key KEY] ...`.
 */
export interface Ip6greAddOptions extends LinkCommonAddOptions, Tunnel6Options, GreKeyOptions {
  /** The link kind (IFLA_INFO_KIND 'ip6gre'). */
  kind: 'ip6gre';
}

/** What `get`/`list` report about an ip6gre tunnel. */
export interface Ip6greInfo extends TunnelInfo, GreKeyInfo {}

/** The ip6gre kind for the registry. */
export const ip6greKind = greModule<'ip6gre', Ip6greAddOptions, Ip6greInfo>({ kind: 'ip6gre', family: 6, twin: 'gre' });

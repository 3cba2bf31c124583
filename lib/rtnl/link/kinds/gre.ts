/**
 * Link kind `gre` (IFLA_GRE_*): a GRE tunnel over IPv4 carrying IP packets (a layer-3 link with no link-layer address).
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import { type GreKeyInfo, type GreKeyOptions, greModule } from './gre-common.js';
import type { Tunnel4Options, TunnelInfo } from './tunnel-common.js';

/**
 * `nl.link.add({ kind: 'gre', name, remote, local, ... })`.
 * Equivalent to: `ip link add NAME type gre remote ADDR local ADDR [ttl N] [tos N] [key KEY] [dev DEV] ...`.
 */
export interface GreAddOptions extends LinkCommonAddOptions, Tunnel4Options, GreKeyOptions {
  /** The link kind (IFLA_INFO_KIND 'gre'). */
  kind: 'gre';
  /** Fragment oversized packets instead of refusing them (`ignore-df`); needs `pmtudisc: false`. */
  ignoreDf?: boolean;
}

/** What `get`/`list` report about a gre tunnel. */
export interface GreInfo extends TunnelInfo, GreKeyInfo {
  /** `ignore-df`. */
  ignoreDf?: boolean;
}

/** The gre kind for the registry. */
export const greKind = greModule<'gre', GreAddOptions, GreInfo>({ kind: 'gre', family: 4, twin: 'ip6gre' });

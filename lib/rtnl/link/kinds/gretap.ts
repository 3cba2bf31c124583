/**
 * Link kind `gretap` (IFLA_GRE_*): GRE over IPv4 carrying Ethernet frames (transparent Ethernet bridging), a link that can be a bridge port.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import { type GreKeyInfo, type GreKeyOptions, greModule } from './gre-common.js';
import type { Tunnel4Options, TunnelInfo } from './tunnel-common.js';

/**
 * `nl.link.add({ kind: 'gretap', name, remote, local, ... })`.
 * Equivalent to: `ip link add NAME type gretap remote ADDR local ADDR [key KEY] ...`.
 */
export interface GretapAddOptions extends LinkCommonAddOptions, Tunnel4Options, GreKeyOptions {
  /** The link kind (IFLA_INFO_KIND 'gretap'). */
  kind: 'gretap';
  /** Fragment oversized packets instead of refusing them (`ignore-df`); needs `pmtudisc: false`. */
  ignoreDf?: boolean;
}

/** What `get`/`list` report about a gretap tunnel. */
export interface GretapInfo extends TunnelInfo, GreKeyInfo {
  /** `ignore-df`. */
  ignoreDf?: boolean;
}

/** The gretap kind for the registry. */
export const gretapKind = greModule<'gretap', GretapAddOptions, GretapInfo>({ kind: 'gretap', family: 4, twin: 'ip6gretap' });

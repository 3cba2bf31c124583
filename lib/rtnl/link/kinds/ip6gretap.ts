/**
 * Link kind `ip6gretap` (IFLA_GRE_*): GRE over IPv6 carrying Ethernet frames.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import { type GreKeyInfo, type GreKeyOptions, greModule } from './gre-common.js';
import type { Tunnel6Options, TunnelInfo } from './tunnel-common.js';

/**
 * `nl.link.add({ kind: 'ip6gretap', name, remote, local, ... })`.
 * Equivalent to: `ip link add NAME type ip6gretap remote ADDR6 local ADDR6 [key KEY] ...`.
 */
export interface Ip6gretapAddOptions extends LinkCommonAddOptions, Tunnel6Options, GreKeyOptions {
  /** The link kind (IFLA_INFO_KIND 'ip6gretap'). */
  kind: 'ip6gretap';
}

/** What `get`/`list` report about an ip6gretap tunnel. */
export interface Ip6gretapInfo extends TunnelInfo, GreKeyInfo {}

/** The ip6gretap kind for the registry. */
export const ip6gretapKind = greModule<'ip6gretap', Ip6gretapAddOptions, Ip6gretapInfo>({ kind: 'ip6gretap', family: 6, twin: 'gretap' });

/**
 * Link kind `wireguard`: a WireGuard tunnel device. Its keys and peers are
 * not link attributes: they are set over generic netlink afterwards
 * (`nl.wireguard.set`, lib/wireguard/). No kind options.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import { optionlessKind } from './kind.js';

/**
 * `nl.link.add({ kind: 'wireguard', name })`.
 * Equivalent to: `ip link add NAME type wireguard`.
 */
export interface WireguardAddOptions extends LinkCommonAddOptions {
  /** The link kind (IFLA_INFO_KIND 'wireguard'). */
  kind: 'wireguard';
}

/** The wireguard kind for the registry: no options, no IFLA_INFO_DATA. */
export const wireguardKind = optionlessKind<'wireguard', WireguardAddOptions>('wireguard');

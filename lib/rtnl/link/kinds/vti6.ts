/**
 * Link kind `vti6` (IFLA_VTI_*): the IPv6 virtual tunnel interface for
 * route-based IPsec (see vti.ts, whose module it shares).
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import type { TunnelEndpoints } from './tunnel-common.js';
import { type VtiKeyOptions, vtiModule } from './vti.js';

/**
 * `nl.link.add({ kind: 'vti6', name, remote, local, key })`.
 * Equivalent to: `ip link add NAME type vti6 remote ADDR6 local ADDR6 [key KEY | ikey KEY okey KEY] [dev DEV] [fwmark MARK]`.
 */
export interface Vti6AddOptions extends LinkCommonAddOptions, TunnelEndpoints, VtiKeyOptions {
  /** The link kind (IFLA_INFO_KIND 'vti6'). */
  kind: 'vti6';
}

/** The vti6 kind for the registry. */
export const vti6Kind = vtiModule<'vti6', Vti6AddOptions>({ kind: 'vti6', family: 6, twin: 'vti', vti: true });

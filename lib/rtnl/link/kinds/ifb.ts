/**
 * Link kind `ifb`: an Intermediate Functional Block, the target of tc
 * ingress redirection (for shaping incoming traffic). No kind options.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import { optionlessKind } from './kind.js';

/**
 * `nl.link.add({ kind: 'ifb', name })`.
 * Equivalent to: `ip link add NAME type ifb`.
 */
export interface IfbAddOptions extends LinkCommonAddOptions {
  /** The link kind (IFLA_INFO_KIND 'ifb'). */
  kind: 'ifb';
}

/** The ifb kind for the registry: no options, no IFLA_INFO_DATA. */
export const ifbKind = optionlessKind<'ifb', IfbAddOptions>('ifb');

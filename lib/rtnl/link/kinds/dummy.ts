/**
 * Link kind `dummy`: a link that drops everything sent to it, a place to
 * hang addresses and routes on. No kind options.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import { optionlessKind } from './kind.js';

/**
 * `nl.link.add({ kind: 'dummy', name })`.
 * Equivalent to: `ip link add NAME type dummy`.
 */
export interface DummyAddOptions extends LinkCommonAddOptions {
  /** The link kind (IFLA_INFO_KIND 'dummy'). */
  kind: 'dummy';
}

/** The dummy kind for the registry: no options, no IFLA_INFO_DATA. */
export const dummyKind = optionlessKind<'dummy', DummyAddOptions>('dummy');

/**
 * Neighbour (NUD_*) state names both ways, for checking and decoding.
 * @module
 */
import { constant } from '../../netlink/native.js';
import { ConstantNames } from '../../netlink/constant-names.js';
import type { NeighState } from './types.js';

const STATES: Record<Exclude<NeighState, 'none'>, string> = {
  incomplete: 'NUD_INCOMPLETE',
  reachable: 'NUD_REACHABLE',
  stale: 'NUD_STALE',
  delay: 'NUD_DELAY',
  probe: 'NUD_PROBE',
  failed: 'NUD_FAILED',
  noarp: 'NUD_NOARP',
  permanent: 'NUD_PERMANENT',
};
const STATE_NAMES = [...Object.keys(STATES), 'none'];
const STATE_BITS = new ConstantNames(STATES);

/** The ndm_state bit of a state name; TypeError naming `field`. */
export function stateNumber(s: unknown, field: string): number {
  if (s === 'none') return constant('NUD_NONE');
  const n = typeof s === 'string' ? STATE_BITS.get(s) : undefined;
  if (n === undefined) throw new TypeError(`${field}: must be one of ${STATE_NAMES.join(', ')}, got '${String(s)}'`);
  return n;
}

/** State names of an ndm_state value ('none' for 0). */
export function stateNames(s: number): NeighState[] {
  if (s === 0) return ['none'];
  return STATE_BITS.flags(s);
}

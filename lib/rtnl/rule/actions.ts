/**
 * Rule action names (FR_ACT_*) both ways, for checking and decoding.
 * @module
 */
import { ConstantNames } from '../../netlink/constant-names.js';

/** Action name → FR_ACT_* constant. */
export const ACTIONS: Record<string, string> = {
  lookup: 'FR_ACT_TO_TBL', goto: 'FR_ACT_GOTO', nop: 'FR_ACT_NOP',
  blackhole: 'FR_ACT_BLACKHOLE', unreachable: 'FR_ACT_UNREACHABLE', prohibit: 'FR_ACT_PROHIBIT',
};
/** {@link ACTIONS} both ways. */
export const ACTION_NAMES = new ConstantNames(ACTIONS);

/**
 * Link kind `ifb`: an Intermediate Functional Block, the target of tc
 * ingress redirection (for shaping incoming traffic). No kind options.
 * @module
 */
import type { RawAttrs } from '../native.js';
import type { ConstantLookup, EncodeEnv, KindModule, LinkCommonAddOptions, ValidateContext } from './common.js';

/**
 * `nl.link.add({ kind: 'ifb', name })`.
 * Equivalent to: `ip link add NAME type ifb`.
 */
export interface IfbAddOptions extends LinkCommonAddOptions {
  /** The link kind (IFLA_INFO_KIND 'ifb'). */
  kind: 'ifb';
}

/** ifb has no kind options to change. */
export type IfbSetOptions = Record<never, never>;

/** ifb reports no kind data. */
export type IfbInfo = Record<never, never>;

/** ifb has no options of its own. */
export const IFB_OPTIONS: readonly string[] = [];

/** Nothing to check. */
export function validate(_spec: Readonly<Record<string, unknown>>, _ctx: ValidateContext, _path: string): void {}

/** No IFLA_INFO_DATA. */
export function encode(_spec: Readonly<Record<string, unknown>>, _env: EncodeEnv): { data?: RawAttrs } {
  return {};
}

/** Nothing to decode. */
export function decode(_data: RawAttrs, _k: ConstantLookup): IfbInfo {
  return {};
}

/** The ifb kind for the registry. */
export const ifbKind: KindModule<'ifb', IfbAddOptions, IfbSetOptions, IfbInfo> = {
  kind: 'ifb',
  options: IFB_OPTIONS,
  setOptions: [],
  parent: 'none',
  refs: [],
  validate,
  encode,
  decode,
};

/**
 * Link kind `dummy`: a link that drops everything sent to it, a place to
 * hang addresses and routes on. No kind options.
 * @module
 */
import type { RawAttrs } from '../native.js';
import type { ConstantLookup, EncodeEnv, KindModule, LinkCommonAddOptions, ValidateContext } from './common.js';

/**
 * `nl.link.add({ kind: 'dummy', name })`.
 * Equivalent to: `ip link add NAME type dummy`.
 */
export interface DummyAddOptions extends LinkCommonAddOptions {
  /** The link kind (IFLA_INFO_KIND 'dummy'). */
  kind: 'dummy';
}

/** dummy has no kind options to change. */
export type DummySetOptions = Record<never, never>;

/** dummy reports no kind data. */
export type DummyInfo = Record<never, never>;

/** dummy has no options of its own. */
export const DUMMY_OPTIONS: readonly string[] = [];

/** Nothing to check. */
export function validate(_spec: Readonly<Record<string, unknown>>, _ctx: ValidateContext, _path: string): void {}

/** No IFLA_INFO_DATA. */
export function encode(_spec: Readonly<Record<string, unknown>>, _env: EncodeEnv): { data?: RawAttrs } {
  return {};
}

/** Nothing to decode. */
export function decode(_data: RawAttrs, _k: ConstantLookup): DummyInfo {
  return {};
}

/** The dummy kind for the registry. */
export const dummyKind: KindModule<'dummy', DummyAddOptions, DummySetOptions, DummyInfo> = {
  kind: 'dummy',
  options: DUMMY_OPTIONS,
  setOptions: [],
  parent: 'none',
  refs: [],
  validate,
  encode,
  decode,
};

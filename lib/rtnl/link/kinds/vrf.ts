/**
 * Link kind `vrf` (IFLA_VRF_*): a Virtual Routing and Forwarding domain, an
 * l3mdev master whose ports route through its own table. Ports join with
 * `master` (`ip link set PORT master VRF`).
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import type { KindModule } from './kind.js';
import { checkU32, join, typeError } from './check.js';
import { dNum } from './attr-values.js';

/**
 * `nl.link.add({ kind: 'vrf', name, table })`.
 * Equivalent to: `ip link add NAME type vrf table TABLE`.
 */
export interface VrfAddOptions extends LinkCommonAddOptions {
  /** The link kind (IFLA_INFO_KIND 'vrf'). */
  kind: 'vrf';
  /** The routing table of the VRF, 1..4294967295 (`table TABLE`). Required; the kernel cannot change it later. */
  table: number;
}

/** What `get`/`list` report about a vrf. */
export interface VrfInfo {
  /** The VRF's routing table. */
  table?: number;
}

/** The vrf kind for the registry. */
export const vrfKind: KindModule<'vrf', VrfAddOptions, Record<never, never>, VrfInfo> = {
  kind: 'vrf',
  options: ['table'],
  setOptions: [],
  parent: 'none',
  refs: [],
  validate(spec, ctx, path) {
    if (ctx.mode === 'add' && spec.table === undefined) typeError(ctx, join(path, 'table'), 'is required (the routing table of the VRF, 1..4294967295)');
    if (spec.table !== undefined) checkU32(ctx, join(path, 'table'), spec.table, 1);
  },
  encode(spec) {
    return typeof spec.table === 'number' ? { data: { table: spec.table } } : {};
  },
  decode(data) {
    const table = dNum(data.table);
    return table === undefined ? {} : { table };
  },
};

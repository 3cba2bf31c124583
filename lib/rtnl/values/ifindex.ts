/**
 * A link given by name or ifindex ({@link LinkRef}) resolved to its
 * ifindex: the one resolver of every object that names links.
 * @module
 */
import type { OperationOptions } from '../../netlink/socket.js';

/**
 * A link named by its interface name (or an alternative name) or by its ifindex.
 *
 * The same type as link's own `LinkRef` (link/kinds/common.ts, which the
 * objects must not import); the two are one type to the compiler as long
 * as both stay `string | number`.
 */
export type LinkRef = string | number;

/**
 * What the objects need of the link API: name → ifindex. `LinkApi`
 * satisfies it structurally, so objects do not import link.
 */
export interface LinkLookup {
  /** The ifindex of the link named `name`; rejects with an error carrying `code` ('ENODEV') when there is none. */
  index(name: string, opts: OperationOptions): Promise<number>;
}

/**
 * Resolve a {@link LinkRef} to an ifindex, with errors that name the
 * operation and field: `OP: FIELD: no link 'NAME' (ENODEV)`.
 */
export async function resolveIfindex(link: LinkLookup, op: string, field: string, dev: unknown, opts: OperationOptions): Promise<number> {
  if (typeof dev === 'number') {
    if (!Number.isInteger(dev) || dev <= 0) throw new RangeError(`${op}: ${field}: ifindex must be a positive integer, got ${dev}`);
    return dev;
  }
  if (typeof dev !== 'string' || dev.length === 0) throw new TypeError(`${op}: ${field}: must be a link name or ifindex`);
  try {
    return await link.index(dev, opts);
  } catch (e) {
    if (e instanceof Error && 'code' in e) Object.defineProperty(e, 'message', { value: `${op}: ${field}: no link '${dev}' (${String((e as { code: unknown }).code)})` });
    throw e;
  }
}

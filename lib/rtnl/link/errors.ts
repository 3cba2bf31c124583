/**
 * Rewriting kernel errors of link requests into messages that name the cause
 * (a kind the kernel lacks, a LinkRef naming no link); others pass through.
 * @module
 */
import { NetlinkError } from '../../netlink/errors.js';
import type { LinkRef } from './kinds/kind.js';
import { show } from './kinds/check.js';

/**
 * The NetlinkError for a kernel that lacks a link kind (EOPNOTSUPP with
 * extack "Unknown device type"): 'link.add: kernel does not support link
 * kind 'vlan' (Unknown device type) (EOPNOTSUPP)'. Other errors pass through.
 */
export function unsupportedKindError(err: unknown, kind: string, request?: unknown): unknown {
  if (!(err instanceof NetlinkError) || err.code !== 'EOPNOTSUPP' || err.extack === undefined || !/unknown device type/i.test(err.extack)) {
    return err;
  }
  const opts: ConstructorParameters<typeof NetlinkError>[3] = {
    extack: err.extack,
    request: request ?? err.request,
    message: `kernel does not support link kind '${kind}' (${err.extack})`,
  };
  if (err.extackOffset !== undefined) opts.extackOffset = err.extackOffset;
  if (err.syscall !== undefined) opts.syscall = err.syscall;
  return new NetlinkError(err.operation, err.code, err.errno, opts);
}

/**
 * The NetlinkError for a LinkRef option naming a link that does not exist:
 * 'link.add: master: no such device 'br9' (ENODEV)'. Other errors pass through.
 */
export function unresolvedRefError(err: unknown, path: string, ref: LinkRef, request?: unknown): unknown {
  if (!(err instanceof NetlinkError) || err.code !== 'ENODEV') return err;
  const opts: ConstructorParameters<typeof NetlinkError>[3] = {
    request: request ?? err.request,
    message: `${path}: no such device ${typeof ref === 'string' ? show(ref) : `with ifindex ${ref}`}`,
  };
  if (err.extack !== undefined) opts.extack = err.extack;
  return new NetlinkError(err.operation, err.code, err.errno, opts);
}

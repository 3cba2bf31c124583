/**
 * Rewriting kernel errors of link requests into messages that name the cause
 * (a kind the kernel lacks, a LinkRef naming no link); others pass through;
 * and the error for port options given to a link that is no such port.
 * @module
 */
import { NetlinkError } from '../../netlink/errors.js';
import type { LinkRef } from './kinds/kind.js';
import type { Link } from './types.js';
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

/**
 * Throws, before the request is sent, when `link` is not a port of a
 * `want` ('bond' or 'bridge'): EOPNOTSUPP, as the kernel answers for a link
 * with no master, with a message that says what the link is instead.
 */
export function portKindError(op: string, want: 'bond' | 'bridge', link: Link, request: unknown): void {
  if (link.portKind === want) return;
  const field = want === 'bond' ? 'bondPort' : 'bridgePort';
  const what = link.master === undefined || link.master === 0 ? 'it has no master' : `it is a port of a ${link.portKind ?? 'master of another kind'} (ifindex ${link.master})`;
  throw new NetlinkError(op, 'EOPNOTSUPP', 95, { request, message: `${field}: '${link.name}' is not a port of a ${want}: ${what} (enslave it with master first)` });
}

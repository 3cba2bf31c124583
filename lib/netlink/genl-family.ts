/**
 * Generic netlink families by name: CTRL_CMD_GETFAMILY asks the controller
 * (nlctrl) for a family's id, version and multicast groups, which the
 * kernel assigns when the family's module registers it. A family the kernel
 * does not have is a {@link GenlFamilyError}, not a bare ENOENT.
 * @module
 */
import { constant, rawNum, type RawReply } from './native.js';
import { NetlinkError } from './errors.js';
import type { GenlMessage } from './genl-native.js';

/** What the controller says about one generic netlink family. */
export interface GenlFamily {
  /** The family's name ('wireguard'). */
  name: string;
  /** Its id: the nlmsg_type of its messages (assigned at run time). */
  id: number;
  /** The family's version (CTRL_ATTR_VERSION). */
  version: number;
  /** Bytes of family header after genlmsghdr (0 for most). */
  hdrsize: number;
  /** Its highest attribute number. */
  maxattr: number;
  /** Its multicast groups: name → group id (for subscribing). */
  mcastGroups: Record<string, number>;
}

/**
 * The kernel has no generic netlink family of this name (its module is not
 * loaded or not built): 'wireguard.set: kernel does not support generic
 * netlink family 'wireguard' (ENOENT)'. `code` and `errno` are the
 * controller's (ENOENT).
 */
export class GenlFamilyError extends NetlinkError {
  /** The family asked for. */
  readonly family: string;

  /** @internal */
  constructor(operation: string, family: string, cause: NetlinkError) {
    super(operation, cause.code, cause.errno, { message: `kernel does not support generic netlink family '${family}'`, request: { family } });
    this.name = 'GenlFamilyError';
    this.family = family;
  }
}

/** The CTRL_CMD_GETFAMILY request for `name`, as wireguard-tools sends it (genlmsghdr version 1). */
export function getFamilyRequest(name: string): GenlMessage {
  return { header: { cmd: constant('CTRL_CMD_GETFAMILY'), version: 1 }, attrs: { familyName: name } };
}

/** The family in the controller's CTRL_CMD_NEWFAMILY answer; undefined if there is none. */
export function familyFromReplies(replies: RawReply[]): GenlFamily | undefined {
  const m = replies.find((r) => r.type === constant('GENL_ID_CTRL') && r.attrs.familyId !== undefined);
  if (m === undefined) return undefined;
  const groups: Record<string, number> = {};
  const list = Array.isArray(m.attrs.mcastGroups) ? m.attrs.mcastGroups : [];
  for (const g of list as { name?: unknown; id?: unknown }[]) if (typeof g.name === 'string') groups[g.name] = rawNum(g.id);
  return {
    name: typeof m.attrs.familyName === 'string' ? m.attrs.familyName : '',
    id: rawNum(m.attrs.familyId),
    version: rawNum(m.attrs.version),
    hdrsize: rawNum(m.attrs.hdrsize),
    maxattr: rawNum(m.attrs.maxattr),
    mcastGroups: groups,
  };
}

/** A failed CTRL_CMD_GETFAMILY as the error to throw: ENOENT (no such family) becomes {@link GenlFamilyError}. */
export function familyError(err: unknown, operation: string, family: string): unknown {
  return err instanceof NetlinkError && err.code === 'ENOENT' ? new GenlFamilyError(operation, family, err) : err;
}

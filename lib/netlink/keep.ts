/**
 * The types of lean dumps: what a dump decodes of each message (a keep
 * tree, applied by native/keep_filter.cc) and what such a message looks like.
 * @module
 */
import type { RawReply } from './native.js';

/**
 * What a lean dump decodes of each message: `true` keeps a whole part, an
 * object keeps only the parts it names (`{ header: true, attrs: { mtu: true } }`).
 */
export type KeepTree = true | { readonly [name: string]: KeepTree };

/** A message of a lean dump (see {@link KeepTree}): the parts kept, and the message's bytes. */
export interface LeanReply extends RawReply {
  /**
   * The whole message as the kernel sent it (nlmsghdr included), for
   * `native.decode`; absent when the keep tree kept all of it.
   */
  wire?: Buffer;
}

/**
 * How netloom recognises what a topology made, in the kernel itself (no
 * state file to lose or to go stale):
 *
 * - every link it creates gets the alias `netloom:NAME` (with the declared
 *   alias after a space: `netloom:NAME uplink`) and, unless it declares its
 *   own, the topology's link group;
 * - every named or anonymous namespace it creates gets the alias
 *   `netloom:NAME:netns` on its `lo`;
 * - routes it adds carry the protocol {@link ROUTE_PROTOCOL}.
 *
 * So destroy works from the marks alone, after a crash, without the
 * declaration.
 * @module
 */

/** Topology names: short, no spaces or ':' (they end up inside link aliases). */
export const TOPOLOGY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The route protocol number (`ip route ... proto 78`) netloom gives the
 * routes a topology adds, so that they can be told from routes others add.
 * Unassigned in iproute2's rt_protos.
 */
export const ROUTE_PROTOCOL = 78;

const PREFIX = 'netloom:';
const NETNS_SUFFIX = ':netns';

/** The alias of a link owned by topology `topology` (the declared alias, if any, after a space). */
export function linkMark(topology: string, alias?: string): string {
  return alias === undefined || alias === '' ? `${PREFIX}${topology}` : `${PREFIX}${topology} ${alias}`;
}

/** The alias of `lo` in a namespace owned by topology `topology`. */
export function netnsMark(topology: string): string {
  return `${PREFIX}${topology}${NETNS_SUFFIX}`;
}

/** What an alias says about its owner. */
export interface ParsedMark {
  /** The owning topology's name. */
  topology: string;
  /** A link mark, or the `lo` mark of an owned namespace. */
  role: 'link' | 'netns';
  /** The declared alias after the mark (links only). */
  alias: string | undefined;
}

/** The mark in an alias, or undefined if netloom did not write it. */
export function parseMark(alias: string | undefined): ParsedMark | undefined {
  if (alias === undefined || !alias.startsWith(PREFIX)) return undefined;
  const rest = alias.slice(PREFIX.length);
  const space = rest.indexOf(' ');
  const head = space < 0 ? rest : rest.slice(0, space);
  const tail = space < 0 ? undefined : rest.slice(space + 1);
  if (head.endsWith(NETNS_SUFFIX)) {
    const topology = head.slice(0, -NETNS_SUFFIX.length);
    return TOPOLOGY_NAME_RE.test(topology) && tail === undefined ? { topology, role: 'netns', alias: undefined } : undefined;
  }
  return TOPOLOGY_NAME_RE.test(head) ? { topology: head, role: 'link', alias: tail } : undefined;
}

/** True if `alias` marks a link of topology `topology`. */
export function isLinkOf(alias: string | undefined, topology: string): boolean {
  const m = parseMark(alias);
  return m !== undefined && m.role === 'link' && m.topology === topology;
}

/** True if `alias` (of `lo`) marks a namespace of topology `topology`. */
export function isNetnsOf(alias: string | undefined, topology: string): boolean {
  const m = parseMark(alias);
  return m !== undefined && m.role === 'netns' && m.topology === topology;
}

/**
 * The default link group of a topology: a 32-bit FNV-1a hash of its name
 * in 0x4e4c0000..0x4e4cffff ("NL"), away from the small numbers people pick
 * by hand. Two topologies may share a group: destroy checks the marks of a
 * group's links before deleting it as a batch.
 */
export function defaultGroup(topology: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(topology)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (0x4e4c0000 | (h & 0xffff)) >>> 0;
}

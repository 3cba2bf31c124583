/**
 * The order links are made in: waves, each link after what it is made on top of.
 * @module
 */
import type { ModelLink } from './model.js';

/**
 * The links to create, in waves: each link after its master, its parent and
 * (for a veth) its peer's master, when those are made in the same apply.
 */
export function waves(creates: ModelLink[]): ModelLink[][] {
  const key = (ns: string, name: string): string => `${ns}/${name}`;
  const maker = new Map<string, ModelLink>();
  for (const l of creates) {
    maker.set(key(l.ns, l.name), l);
    if (l.peer !== undefined) maker.set(key(l.peer.ns, l.peer.name), l);
  }
  const depth = new Map<ModelLink, number>();
  const depthOf = (l: ModelLink): number => {
    const known = depth.get(l);
    if (known !== undefined) return known;
    depth.set(l, 0); // cycles were refused in validation; this only guards
    const deps = [
      l.master === undefined ? undefined : key(l.ns, l.master),
      ...l.lowers.map((n) => key(l.linkNetns ?? l.ns, n)),
      l.peer?.master === undefined ? undefined : key(l.peer.ns, l.peer.master),
    ];
    let d = 0;
    for (const k of deps) {
      const m = k === undefined ? undefined : maker.get(k);
      if (m !== undefined && m !== l) d = Math.max(d, depthOf(m) + 1);
    }
    depth.set(l, d);
    return d;
  };
  const out: ModelLink[][] = [];
  for (const l of creates) {
    const d = depthOf(l);
    (out[d] ??= []).push(l);
  }
  return out.filter((w) => w !== undefined);
}

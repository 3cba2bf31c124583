/**
 * `netloom/testing`: throwaway namespaces for privileged integration tests.
 * Each test gets a fresh anonymous namespace (or a whole topology, every
 * namespace of it anonymous) that is gone when the test ends, pass or fail,
 * and even if the test process is killed: an anonymous namespace lives only
 * as long as the file descriptors that hold it.
 *
 * ```js
 * import t from 'tap';
 * import { sandbox, topologySandbox } from 'netloom/testing';
 *
 * t.test('a bridge forwards', async (t) => {
 *   const { nl } = await sandbox(t, { lo: true });       // gone after this test
 *   await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
 *   t.ok((await nl.link.get('br0')).up);
 * });
 *
 * t.test('two namespaces ping', async (t) => {
 *   const topo = await topologySandbox(t, {
 *     name: 'pair',
 *     namespaces: {
 *       a: { links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.0.1/24'], peer: { name: 'eth0', netns: 'b', addresses: ['198.18.0.2/24'] } }] },
 *       b: {},
 *     },
 *   });
 *   t.equal((await topo.netns('a').ping('198.18.0.2')).received, 1);
 * });
 * ```
 *
 * Works with node-tap (`t.teardown`) and node:test (`t.after`); without a
 * test context, call `close()` yourself (or `await using`).
 * @module
 */
import { open, type Netlink } from './rtnl/handle.js';
import { netns, type NetNs } from './netns/netns.js';
import { topology, type Topology, type TopologyOptions } from './topology/topology.js';
import type { TopologySpec } from './topology/types.js';

/** A test's context: node-tap's `t` (`teardown`) or node:test's (`after`). */
export interface TestContext {
  /** node-tap: run `fn` when the test ends. */
  teardown?(fn: () => unknown): void;
  /** node:test: run `fn` when the test ends. */
  after?(fn: () => unknown): void;
}

/** A fresh anonymous namespace and an rtnetlink handle in it. */
export interface Sandbox {
  /** The namespace (its only hold, with `nl`'s: closing both makes it vanish). */
  ns: NetNs;
  /** rtnetlink in the namespace. */
  nl: Netlink;
  /** Close both (the namespace and everything in it vanish). Idempotent. */
  close(): Promise<void>;
  /** `await using sb = await sandbox()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link sandbox}. */
export interface SandboxOptions {
  /** Bring `lo` up. Default false (a new namespace's lo is down). */
  lo?: boolean;
}

function onEnd(t: TestContext | undefined, fn: () => Promise<void>): void {
  if (t === undefined) return;
  if (typeof t.teardown === 'function') t.teardown(fn);
  else if (typeof t.after === 'function') t.after(fn);
  else throw new TypeError('netloom/testing: t: must be a test context with teardown() (node-tap) or after() (node:test)');
}

/**
 * A fresh anonymous namespace with an rtnetlink handle, closed when the test
 * ends (`t.teardown` / `t.after`), whatever the outcome.
 */
export async function sandbox(t?: TestContext, opts: SandboxOptions = {}): Promise<Sandbox> {
  const ns = await netns.create();
  let nl: Netlink;
  try {
    nl = await open({ netns: ns });
  } catch (e) {
    ns.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await nl.close();
      ns.close();
    })();
    return closing;
  };
  onEnd(t, close);
  if (opts.lo === true) {
    try {
      await nl.link.set('lo', { up: true });
    } catch (e) {
      await close();
      throw e;
    }
  }
  return { ns, nl, close, [Symbol.asyncDispose]: close };
}

/** A topology applied inside a test, and the namespace standing for its `current` one. */
export interface TopologySandbox {
  /** The applied topology (its handles: `netns(key)`, `handle(key)`, `plan()`, `graph()`...). */
  topology: Topology;
  /** The fresh namespace that `current: true` namespaces of the declaration stand for. */
  root: Sandbox;
  /** The namespace of a declared key (shortcut for `topology.netns(key)`). */
  netns(key: string): NetNs;
  /** rtnetlink in the namespace of a declared key. */
  handle(key: string): Netlink;
  /** Destroy the topology and close everything. Idempotent. */
  close(): Promise<void>;
  /** `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link topologySandbox}. */
export interface TopologySandboxOptions {
  /**
   * What named namespaces of the declaration become: `'anonymous'` (the
   * default: nothing can be left behind, not even by a killed process) or
   * `'unique'`, still named but with a prefix unique to this test
   * (`ip netns list` sees them; destroyed at the end of the test).
   */
  names?: 'anonymous' | 'unique';
  /** Apply the topology right away. Default true. */
  apply?: boolean;
}

let counter = 0;

/**
 * Apply a whole topology inside a test, isolated from the machine: its
 * `current` namespace is a fresh anonymous one ({@link TopologySandbox.root}),
 * its named namespaces anonymous (or uniquely named), its name made unique.
 * Destroyed and closed when the test ends, pass or fail.
 */
export async function topologySandbox(t: TestContext | undefined, spec: TopologySpec, opts: TopologySandboxOptions = {}): Promise<TopologySandbox> {
  if (spec === null || typeof spec !== 'object') throw new TypeError('topologySandbox: spec: must be a topology declaration');
  const names = opts.names ?? 'anonymous';
  if (names !== 'anonymous' && names !== 'unique') throw new RangeError(`topologySandbox: names: must be 'anonymous' or 'unique', got '${String(names)}'`);
  const tag = `${process.pid}-${++counter}`;
  const copy = structuredClone(spec) as TopologySpec;
  if (typeof copy.name === 'string') copy.name = `${copy.name.slice(0, 40)}-t${tag}`;
  if (names === 'anonymous' && typeof copy.namespaces === 'object' && copy.namespaces !== null) {
    for (const ns of Object.values(copy.namespaces)) {
      if (ns === null || typeof ns !== 'object' || ns.current === true || ns.anonymous === true || ns.external !== undefined) continue;
      delete ns.name;
      ns.anonymous = true;
    }
  }
  const root = await sandbox(undefined, { lo: true });
  const topoOpts: TopologyOptions = { netns: root.ns };
  if (names === 'unique') topoOpts.netnsPrefix = `nlt-${tag}-`;
  let topo: Topology;
  try {
    topo = topology(copy, topoOpts);
  } catch (e) {
    await root.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await topo.destroy();
      } finally {
        await topo.close();
        await root.close();
      }
    })();
    return closing;
  };
  onEnd(t, close);
  if (opts.apply !== false) {
    try {
      await topo.apply();
    } catch (e) {
      if (t === undefined) await close();
      throw e;
    }
  }
  return { topology: topo, root, netns: (key) => topo.netns(key), handle: (key) => topo.handle(key), close, [Symbol.asyncDispose]: close };
}

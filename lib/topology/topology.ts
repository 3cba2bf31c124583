/**
 * `topology(declaration)`: a whole network declared as data, handled as one
 * unit: `plan()`, `apply()`, `destroy()`, `graph()`.
 *
 * ```ts
 * const topo = topology({
 *   name: 'lab',
 *   namespaces: {
 *     switch: { links: [{ kind: 'bridge', name: 'br0', addresses: ['198.18.1.10/24'] }] },
 *     ns1: {
 *       links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.1.11/24'], peer: { name: 'veth1', netns: 'switch', master: 'br0' } }],
 *       routes: [{ dst: 'default', via: '198.18.1.10' }],
 *     },
 *   },
 * });
 * console.log(formatPlan(await topo.plan()));
 * await topo.apply();                       // ordered, pipelined, idempotent, rolled back on failure
 * await topo.netns('ns1').ping('198.18.1.10');
 * await topo.destroy();                     // exactly what it owns
 * await topo.close();
 * ```
 * @module
 */
import type { Netlink } from '../rtnl/handle.js';
import { netns, type NetNs } from '../netns/netns.js';
import type { OperationOptions } from '../netlink/socket.js';
import { execute, type StageTiming, type TopologyProgress } from './apply.js';
import { type DestroyResult, type DestroyTarget, deleteDeclaredNexthops, destroyMarked } from './destroy.js';
import type { Diff } from './diff-types.js';
import { computeDiff } from './diff.js';
import { TopologyError } from './errors.js';
import { type GraphFormat, type TopologyGraph, graphOfModel, graphOfScan, renderGraph } from './graph.js';
import { type LiveNs, type NsHandle, closeHandle, handleOn, openExisting, ownedNamedNamespaces, readLive } from './live.js';
import { readNft } from './nft-live.js';
import { TOPOLOGY_NAME_RE, isLinkOf, isNetnsOf } from './marks.js';
import { readTc } from './tc-live.js';
import { type Model, ownsNamespace } from './model.js';
import { type Plan, type StepIndex, toPlan } from './plan.js';
import { scanNamespaces } from './scan.js';
import type { TopologySpec } from './types.js';
import { buildModel } from './validate.js';

/** Options of {@link topology}. */
export interface TopologyOptions {
  /**
   * The namespace a `current: true` namespace stands for (borrowed: the
   * caller keeps it open and closes it). Default: the namespace of the
   * calling thread.
   */
  netns?: NetNs;
  /** Put in front of every named namespace's name (for example to keep test runs apart). */
  netnsPrefix?: string;
  /** The directory of named namespaces. Default /run/netns, shared with iproute2. */
  runDir?: string;
}

/** Options of {@link Topology.apply}. */
export interface ApplyOptions {
  /** Abort: the apply stops and rolls back what it made. */
  signal?: AbortSignal;
  /** Progress reports: stages starting and ending, each step done, a roll-back. */
  onProgress?: (event: TopologyProgress) => void;
}

/** What {@link Topology.apply} did. */
export interface ApplyResult {
  /** The plan it carried out. */
  plan: Plan;
  /** Each stage's steps and duration. */
  stages: StageTiming[];
  /** Milliseconds for the whole apply, reading the kernel's state included. */
  ms: number;
}

/** A declared topology, bound to this process (it holds its anonymous namespaces). */
export class Topology {
  /** The topology's name (its identity in the marks). */
  readonly name: string;
  #model: Model;
  readonly #opts: TopologyOptions;
  readonly #handles = new Map<string, NsHandle>();
  /** Anonymous namespaces no longer declared: apply lets go of them. */
  readonly #releasing = new Map<string, NsHandle>();
  #closed = false;

  /** @internal Use {@link topology}. */
  constructor(spec: TopologySpec, opts: TopologyOptions = {}) {
    if (opts === null || typeof opts !== 'object') throw new TypeError('topology: options: must be an object');
    for (const k of Object.keys(opts)) if (!['netns', 'netnsPrefix', 'runDir'].includes(k)) throw new TypeError(`topology: options.${k}: unknown option`);
    this.#model = buildModel(spec, opts.netnsPrefix === undefined ? {} : { netnsPrefix: opts.netnsPrefix });
    this.#opts = opts;
    this.name = this.#model.name;
  }

  /**
   * Replace the declaration (same `name`), keeping the namespaces this
   * handle holds: the next `plan`/`apply` converge to the new one. This is
   * how a topology with anonymous namespaces is edited (a new handle would
   * not hold them); with named ones, a new handle on the edited
   * declaration does the same. Checked like {@link topology}.
   */
  update(spec: TopologySpec): void {
    const model = buildModel(spec, this.#opts.netnsPrefix === undefined ? {} : { netnsPrefix: this.#opts.netnsPrefix });
    if (model.name !== this.name) throw new RangeError(`topology: name: an update must keep the name '${this.name}', got '${model.name}' (another name is another topology)`);
    this.#model = model;
  }

  /** The declared namespaces' keys, in declaration order. */
  get namespaces(): string[] {
    return this.#model.namespaces.map((n) => n.key);
  }

  /** The name under /run/netns of a named namespace of the declaration (prefix applied). */
  netnsName(key: string): string | undefined {
    return this.#ns(key).name;
  }

  /**
   * The open handle on a namespace of the topology (after `plan` or
   * `apply`; owned by the topology, closed by `close`/`destroy`).
   */
  netns(key: string): NetNs {
    return this.#held(key).ns;
  }

  /** An rtnetlink handle in a namespace of the topology (owned by the topology). */
  handle(key: string): Netlink {
    return this.#held(key).nl;
  }

  /**
   * Compare the declaration with the kernel: what apply would create,
   * change and remove, and any conflict that would stop it. Changes
   * nothing (it opens the topology's namespaces that exist, to read them).
   *
   * Equivalent to: `terraform plan`, for `ip` objects.
   */
  async plan(opts: { signal?: AbortSignal } = {}): Promise<Plan> {
    return toPlan(await this.#diff(opts));
  }

  /**
   * Make the kernel match the declaration: create what is missing (each
   * object directly in its final namespace), change what differs, remove
   * what the topology owns and no longer declares; in dependency order,
   * with the requests of each stage sent together. A second apply changes
   * nothing. If a step fails (or `signal` aborts), what this apply made is
   * removed again and a {@link TopologyError} names the step and the
   * kernel's reason. Refuses to start, touching nothing, on conflicts.
   */
  async apply(opts: ApplyOptions = {}): Promise<ApplyResult> {
    const t0 = performance.now();
    const diff = await this.#diff(opts);
    const index: StepIndex = new Map();
    const plan = toPlan(diff, index);
    if (diff.conflicts.length > 0) {
      throw new TopologyError(this.name, 'topology.apply', `topology '${this.name}': apply refused, nothing was touched: ${diff.conflicts.join('; ')}`, { conflicts: diff.conflicts });
    }
    const stages = await execute(diff, {
      model: this.#model,
      handles: this.#handles,
      runDir: this.#opts.runDir,
      signal: opts.signal,
      onProgress: opts.onProgress,
      index,
      release: async (key) => {
        const h = this.#releasing.get(key);
        this.#releasing.delete(key);
        if (h !== undefined) await closeHandle(h);
      },
    });
    return { plan, stages, ms: performance.now() - t0 };
  }

  /**
   * Remove what the topology owns, and nothing else, found by its marks:
   * its links in the namespaces it does not own (the current one, external
   * ones; in whole link groups where it can), its named namespaces (those
   * no longer declared too), and the anonymous ones it holds. Works on a
   * fresh handle after a crash, from the same declaration. The handle can
   * apply again afterwards.
   *
   * Equivalent to: `ip link del group N` and `ip netns del NAME` for each.
   */
  async destroy(opts: OperationOptions = {}): Promise<DestroyResult> {
    const targets: DestroyTarget[] = [];
    const mine: NsHandle[] = [];
    try {
      for (const ns of this.#model.namespaces) {
        if (ownsNamespace(ns)) continue;
        const held = this.#handles.get(ns.key);
        let h = held;
        if (h === undefined) {
          const opened = await openExisting(ns, this.#opts.netns, this.#opts.runDir).catch((e: unknown) => {
            // An external namespace that is gone has nothing of ours left in it.
            if (ns.source === 'external') return undefined;
            throw e;
          });
          if (opened === undefined) continue;
          h = await handleOn(opened, opts);
          mine.push(h);
        }
        targets.push({ label: ns.key, handle: h });
      }
      // Named namespaces held open: still the ones under their names (else they are looked up afresh).
      const held = new Map<string, NsHandle>();
      await Promise.all(
        this.#model.namespaces.map(async (ns) => {
          const h = this.#handles.get(ns.key);
          if (ns.source !== 'named' || ns.name === undefined || h === undefined) return;
          const now = await openExisting(ns, this.#opts.netns, this.#opts.runDir).catch(() => undefined);
          if (now !== undefined && now.inode === h.ns.inode) held.set(ns.name, h);
          now?.close();
        }),
      );
      const nexthops = (
        await Promise.all(targets.map((x) => deleteDeclaredNexthops(x, new Set(this.#model.byKey.get(x.label)?.nexthops.map((n) => n.id)), opts)))
      ).flat();
      const result = { ...(await destroyMarked(this.name, targets, this.#opts.runDir, opts, held)), nexthops };
      let anonymous = 0;
      for (const ns of this.#model.namespaces) if (ns.source === 'anonymous' && this.#handles.has(ns.key)) anonymous++;
      await this.#closeHandles();
      return { ...result, anonymous };
    } finally {
      await Promise.all(mine.map(closeHandle));
    }
  }

  /**
   * A picture of the declaration (`live: false`, the default) or of the
   * topology's namespaces as the kernel has them (`live: true`, after
   * `plan`/`apply`): Mermaid, DOT, or SVG (drawn in-process by Graphviz in WebAssembly).
   */
  async graph(opts: { format?: GraphFormat; live?: boolean } = {}): Promise<string> {
    return renderGraph(await this.graphData(opts), opts.format ?? 'mermaid');
  }

  /** The picture-neutral graph behind {@link Topology.graph}. */
  async graphData(opts: { live?: boolean } = {}): Promise<TopologyGraph> {
    if (opts.live !== true) return graphOfModel(this.#model);
    const only = new Map<string, NetNs>();
    for (const key of this.namespaces) {
      const h = this.#handles.get(key);
      if (h !== undefined) only.set(key, h.ns);
    }
    return graphOfScan(await scanNamespaces({ only }), `${this.name} (live)`);
  }

  /**
   * Let go of the namespace handles. Anonymous namespaces vanish with them
   * (and the veth ends in other namespaces that were paired with their
   * links); nothing else is removed (that is {@link Topology.destroy}).
   * Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#closeHandles();
  }

  /** `await using topo = topology(...)`: closes (does not destroy). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #closeHandles(): Promise<void> {
    const all = [...this.#handles.values(), ...this.#releasing.values()];
    this.#handles.clear();
    this.#releasing.clear();
    await Promise.all(all.map(closeHandle));
  }

  #ns(key: string): Model['namespaces'][number] {
    const ns = this.#model.byKey.get(key);
    if (ns === undefined) throw new RangeError(`topology '${this.name}': no namespace '${key}' is declared (declared: ${this.namespaces.join(', ')})`);
    return ns;
  }

  #held(key: string): NsHandle {
    this.#ns(key);
    const h = this.#handles.get(key);
    if (h === undefined) throw new Error(`topology '${this.name}': namespace '${key}' is not open (apply or plan first)`);
    return h;
  }

  /** Open what exists, read it, compare. */
  async #diff(opts: OperationOptions): Promise<Diff> {
    if (this.#closed) throw new Error(`topology '${this.name}': the handle is closed`);
    const model = this.#model;
    const dir = this.#opts.runDir;
    // After an update: handles on namespaces no longer declared as they
    // were. Anonymous ones are let go by apply (that removes them); others
    // are closed now (named ones of the topology are found by their mark).
    for (const [key, h] of [...this.#handles]) {
      const ns = model.byKey.get(key);
      if (ns !== undefined && (ns.source === 'anonymous') === (h.anonymous === true)) continue;
      this.#handles.delete(key);
      if (h.anonymous === true) this.#releasing.set(key, h);
      else await closeHandle(h);
    }
    // A named namespace held from before must still be the one under its
    // name (someone may have deleted or replaced it meanwhile).
    await Promise.all(
      model.namespaces.map(async (ns) => {
        const held = this.#handles.get(ns.key);
        if (held !== undefined && ns.source === 'named') {
          const now = await openExisting(ns, this.#opts.netns, dir);
          const same = now !== undefined && now.inode === held.ns.inode;
          now?.close();
          if (!same) {
            this.#handles.delete(ns.key);
            await closeHandle(held);
          }
        }
        if (this.#handles.has(ns.key)) return;
        const opened = await openExisting(ns, this.#opts.netns, dir).catch((e: unknown) => {
          // Only an external namespace can be missing in a way the topology cannot fix.
          throw new TopologyError(model.name, 'topology.plan', `topology '${model.name}': ${ns.path}.external: cannot open ${JSON.stringify(ns.external)}: ${(e as Error).message}`, { cause: e });
        });
        if (opened !== undefined) this.#handles.set(ns.key, await handleOn(opened, opts));
      }),
    );
    const live = new Map<string, LiveNs>();
    await Promise.all(
      model.namespaces.map(async (ns) => {
        const h = this.#handles.get(ns.key);
        if (h === undefined) return;
        const l = await readLive(h, ns.sysctls, ns.neighbours.some((n) => n.entry.proxy === true), opts);
        l.tc = await readTc(h, l.links.filter((x) => isLinkOf(x.alias, model.name)), opts);
        if (ns.nft !== undefined) {
          try {
            l.nft = await readNft(h, ns.nft, opts);
          } catch (e) {
            if ((e as { code?: string }).code !== 'EEXIST') throw e;
            l.nftConflict = (e as Error).message.replace(/^nft\.apply: /, '').replace(/; nothing was changed$/, '');
          }
        }
        live.set(ns.key, l);
      }),
    );
    const foreign = new Map<string, string>();
    for (const ns of model.namespaces) {
      const l = live.get(ns.key);
      if (ns.source !== 'named' || l === undefined) continue;
      const alias = l.byName.get('lo')?.alias;
      if (isNetnsOf(alias, model.name)) continue;
      foreign.set(ns.key, `${dir ?? '/run/netns'}/${ns.name ?? ''} exists and is not topology '${model.name}''s (its lo is not marked '${`netloom:${model.name}:netns`}'); delete it (ip netns del ${ns.name ?? ''}) or declare another name`);
      // Not ours: do not keep other people's namespaces open.
      const h = this.#handles.get(ns.key);
      this.#handles.delete(ns.key);
      if (h !== undefined) await closeHandle(h);
    }
    const declaredNames = new Set(model.namespaces.map((n) => n.name).filter((n): n is string => n !== undefined));
    const undeclared = await ownedNamedNamespaces(model.name, dir, declaredNames);
    return computeDiff(model, { live, foreign, undeclared, released: [...this.#releasing.keys()] });
  }
}

/**
 * Declare a topology. The declaration is checked at once, before anything
 * is touched: a TypeError/RangeError names the path of the first problem
 * (`topology: namespaces.ns1.links[2].mtu: must be an integer 68..65535, got 70000`).
 */
export function topology(spec: TopologySpec, opts: TopologyOptions = {}): Topology {
  return new Topology(spec, opts);
}

/**
 * Remove everything marked as topology `name`'s, without its declaration
 * (after a crash, say): its named namespaces under `runDir`, and its links
 * in `netns` (default: the current namespace) and in each of `also`.
 *
 * Equivalent to: `netloom down --name NAME`.
 */
export async function destroyTopology(name: string, opts: { netns?: NetNs; also?: NetNs[]; runDir?: string; signal?: AbortSignal } = {}): Promise<DestroyResult> {
  if (typeof name !== 'string' || !TOPOLOGY_NAME_RE.test(name)) throw new RangeError(`destroyTopology: name: not a topology name: '${String(name)}'`);
  const sig: OperationOptions = opts.signal === undefined ? {} : { signal: opts.signal };
  const handles: NsHandle[] = [];
  try {
    const main = opts.netns === undefined ? netns.current() : await netns.open({ path: `/proc/self/fd/${opts.netns.fd}` });
    handles.push(await handleOn(main, sig));
    for (const ns of opts.also ?? []) handles.push(await handleOn(await netns.open({ path: `/proc/self/fd/${ns.fd}` }), sig));
    return await destroyMarked(name, handles.map((h, i) => ({ label: i === 0 ? 'current' : (h.ns.name ?? `netns${i}`), handle: h })), opts.runDir, sig);
  } finally {
    await Promise.all(handles.map(closeHandle));
  }
}

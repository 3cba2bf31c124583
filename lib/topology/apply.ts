/**
 * Executing a difference: stage by stage in dependency order (namespaces,
 * links, masters and other link changes, qdiscs, addresses, nexthops
 * (apply-tc.ts), routes, neighbours,
 * FDB, per-interface sysctls, NAT and firewall (one nf_tables transaction
 * per namespace), then removals of what is no longer declared).
 * TUN/TAP devices are made in the links stage too, in the wave after their
 * master (a TAP on a declared bridge).
 * Within a stage, the requests of every namespace go out together, each
 * namespace on its own socket (pipelined); links go in waves so that a
 * master or parent exists before what is made on top of it.
 *
 * Every object made or changed is logged with how to undo it. When a step
 * fails (or the signal aborts), the requests already in flight are waited
 * for, then the log is undone in reverse and the failure reported with its
 * step. Removals come last, after everything else succeeded, because they
 * cannot be undone.
 * @module
 */
import type { AnyLinkAddOptions } from '../rtnl/link/kinds/index.js';
import { netns } from '../netns/netns.js';
import type { OperationOptions } from '../netlink/socket.js';
import type { Route, RouteSpec } from '../rtnl/route/types.js';
import type { Changed, Diff, LinkChange, NsDiff, SysctlWork } from './diff-types.js';
import { describeStep, TopologyError } from './errors.js';
import { type NsHandle, closeHandle, handleOn } from './live.js';
import { netnsMark } from './marks.js';
import { type Model, type ModelLink, type ModelRoute, type ModelTun, ownsNamespace } from './model.js';
import type { PlanStage, PlanStep, StepIndex } from './plan.js';
import { openPersistent } from './tuntap.js';
import { StepFailure, type Undo, ignoreGone, routeSpecOf, settle } from './apply-undo.js';
import { waves } from './waves.js';
import { nftOf } from './nft-live.js';
import { nexthopRemovals, nexthopStage, qdiscStage, tcRemovals } from './apply-tc.js';

/** A progress report from `apply`. */
export type TopologyProgress =
  /** A stage starts, with the number of steps it has. */
  | { type: 'stage-start'; stage: PlanStage; steps: number }
  /** A step is done. */
  | { type: 'step'; step: PlanStep }
  /** A stage is done, after `ms` milliseconds. */
  | { type: 'stage'; stage: PlanStage; steps: number; ms: number }
  /** A step failed; what this apply made is being removed again. */
  | { type: 'rollback'; step: PlanStep | undefined; undo: number };

/** How long each stage took. */
export interface StageTiming {
  /** The stage. */
  stage: PlanStage;
  /** Steps done in it. */
  steps: number;
  /** Milliseconds. */
  ms: number;
}

/** What `execute` needs besides the difference. */
export interface ApplyEnv {
  /** The declaration. */
  model: Model;
  /** Open namespaces by key; namespaces made now are added (and removed again on rollback). */
  handles: Map<string, NsHandle>;
  /** The directory of named namespaces. */
  runDir: string | undefined;
  /** Abort the apply (it then rolls back). */
  signal: AbortSignal | undefined;
  /** Progress reports. */
  onProgress: ((e: TopologyProgress) => void) | undefined;
  /** The step of each diff item. */
  index: StepIndex;
  /** Let go of an anonymous namespace no longer declared. */
  release: (key: string) => Promise<void>;
}

/** Run a difference. Returns the stage timings; throws {@link TopologyError} after rolling back. */
export async function execute(diff: Diff, env: ApplyEnv): Promise<StageTiming[]> {
  const { model, handles, index } = env;
  const undo: Undo[] = [];
  const made = new Set<string>(); // keys of namespaces made by this apply
  const timings: StageTiming[] = [];
  const sig: OperationOptions = env.signal === undefined ? {} : { signal: env.signal };
  const h = (key: string): NsHandle => {
    const x = handles.get(key);
    if (x === undefined) throw new Error(`netloom: topology: namespace '${key}' is not open`);
    return x;
  };
  const owned = (key: string): boolean => {
    const ns = model.byKey.get(key);
    return ns !== undefined && ownsNamespace(ns);
  };
  const step = async <T>(ref: unknown, fn: () => Promise<T>): Promise<T> => {
    const s = env.index.get(ref);
    try {
      env.signal?.throwIfAborted();
      const out = await fn();
      if (s !== undefined) env.onProgress?.({ type: 'step', step: s });
      return out;
    } catch (e) {
      throw e instanceof StepFailure ? e : new StepFailure(s, e);
    }
  };
  const stage = async (name: PlanStage, body: () => Promise<void>): Promise<void> => {
    const n = [...index.values()].filter((s) => s.stage === name).length;
    env.onProgress?.({ type: 'stage-start', stage: name, steps: n });
    const t0 = performance.now();
    await body();
    const ms = performance.now() - t0;
    timings.push({ stage: name, steps: n, ms });
    env.onProgress?.({ type: 'stage', stage: name, steps: n, ms });
  };
  // Objects inside a namespace made by this apply go with it on rollback.
  const log = (nsKey: string, what: string, run: () => Promise<unknown>): void => {
    if (!made.has(nsKey)) undo.push({ what, run });
  };

  try {
    await stage('namespaces', () => settle(diff.namespaces.map((d) => namespaceStage(d))));
    await stage('links', async () => {
      await settle(diff.namespaces.flatMap((d) => d.linkDeletes.map((x) => step(index.has(x) ? x : x.model, () => h(d.ns.key).nl.link.del(x.live.ifindex, sig).catch(ignoreGone)))));
      for (const wave of waves(diff.namespaces.flatMap((d) => d.linkCreates))) await settle(wave.map((l) => step(l, () => createLink(l))));
    });
    await stage('masters', () => settle(diff.namespaces.flatMap((d) => d.linkChanges.map((c) => step(c, () => changeLink(d, c))))));
    await stage('qdiscs', () => qdiscStage(diff, (key) => h(key).nl, sig, step, log));
    await stage('addresses', () =>
      settle(
        diff.namespaces.flatMap((d) =>
          d.addrCreates.map((a) =>
            step(a, async () => {
              const nl = h(d.ns.key).nl;
              await nl.addr.add(a.link.name, a.addr.cidr, { ...a.addr.options, ...sig });
              if (!diff.fresh.has(`${d.ns.key}/${a.link.name}`)) log(d.ns.key, `address ${a.addr.cidr}`, () => nl.addr.del(a.link.name, a.addr.cidr).catch(ignoreGone));
            }),
          ),
        ),
      ),
    );
    await stage('nexthops', () => nexthopStage(diff, (key) => h(key).nl, sig, step, log));
    await stage('routes', async () => {
      // Routes through a gateway need the gateway reachable: direct routes go first.
      for (const gw of [false, true]) {
        await settle(
          diff.namespaces.flatMap((d) => [
            ...d.routeCreates.filter((r) => r.viaGateway === gw).map((r) => step(r, () => addRoute(d, r))),
            ...d.routeChanges.filter((r) => r.model.viaGateway === gw).map((r) => step(r, () => changeRoute(d, r))),
          ]),
        );
      }
    });
    await stage('neighbours', () =>
      settle(
        diff.namespaces.flatMap((d) => {
          const nl = h(d.ns.key).nl;
          const own = owned(d.ns.key);
          return [
            ...d.neighCreates.map((n) =>
              step(n, async () => {
                await (own ? nl.neigh.replace(n.entry, sig) : nl.neigh.add(n.entry, sig));
                log(d.ns.key, `neighbour ${n.key}`, () => nl.neigh.del({ dst: n.entry.dst, dev: n.entry.dev, ...(n.entry.proxy ? { proxy: true } : {}) }).catch(ignoreGone));
              }),
            ),
            ...d.neighChanges.map((n) => step(n, () => nl.neigh.replace(n.model.entry, sig))),
          ];
        }),
      ),
    );
    await stage('fdb', () =>
      settle(
        diff.namespaces.flatMap((d) => {
          const nl = h(d.ns.key).nl;
          const own = owned(d.ns.key);
          return d.fdbCreates.map((f) =>
            step(f, async () => {
              // A VXLAN device keeps several remotes per MAC: those are appended.
              await (f.entry.dst !== undefined ? nl.fdb.append(f.entry, sig) : own ? nl.fdb.replace(f.entry, sig) : nl.fdb.add(f.entry, sig));
              log(d.ns.key, `fdb ${f.key}`, () => nl.fdb.del(f.entry).catch(ignoreGone));
            }),
          );
        }),
      ),
    );
    await stage('sysctls', () => settle(diff.namespaces.flatMap((d) => d.ifSysctls.map((w) => step(w, () => writeSysctl(d, w))))));
    await stage('firewall', () =>
      settle(
        diff.namespaces.flatMap((d) => {
          const work = d.nft;
          if (work === undefined) return [];
          return [
            step(work, async () => {
              const nft = await nftOf(h(d.ns.key), sig);
              await nft.apply(work.ruleset, sig);
              log(d.ns.key, `nf_tables tables of ${d.ns.key}`, () => nft.apply(work.before));
            }),
          ];
        }),
      ),
    );
  } catch (e) {
    const failure = e instanceof StepFailure ? e : new StepFailure(undefined, e);
    env.onProgress?.({ type: 'rollback', step: failure.step, undo: undo.length });
    const rollbackErrors: unknown[] = [];
    let undone = 0;
    for (const u of undo.reverse()) {
      try {
        await u.run();
        undone++;
      } catch (err) {
        rollbackErrors.push(new Error(`undo ${u.what}: ${(err as Error).message}`, { cause: err }));
      }
    }
    const where = failure.step === undefined ? '' : ` at ${failure.step.stage}: ${describeStep(failure.step)}`;
    const aborted = env.signal?.aborted === true;
    throw new TopologyError(
      model.name,
      'topology.apply',
      `topology '${model.name}': apply ${aborted ? 'aborted' : 'failed'}${where}: ${failure.message}; ` +
        (rollbackErrors.length === 0 ? `rolled back ${undone} change(s) this apply had made` : `rolled back ${undone}, ${rollbackErrors.length} could not be undone`),
      { ...(failure.step === undefined ? {} : { step: failure.step }), cause: failure.cause, rolledBack: undone, rollbackErrors },
    );
  }

  // Removals last: they cannot be undone, so only once everything else is in place.
  await stage('removals', async () => {
    try {
      await settle(
        diff.namespaces.flatMap((d) => {
          const nl = h(d.ns.key).nl;
          return [
            ...d.fdbRemoves.map((f) =>
              step(f, () => nl.fdb.del({ lladdr: f.lladdr as string, dev: f.ifindex, ...(f.dst === undefined ? {} : { dst: f.dst }), ...(f.vlan === undefined ? {} : { vlan: f.vlan }) }, sig).catch(ignoreGone)),
            ),
            ...d.neighRemoves.map((n) => step(n, () => nl.neigh.del({ dst: n.dst as string, dev: n.ifindex, ...(n.proxy ? { proxy: true } : {}) }, sig).catch(ignoreGone))),
            ...d.routeRemoves.map((r) => step(r, () => nl.route.del(r, sig).catch(ignoreGone))),
            ...d.addrRemoves.map((a) => step(a, () => nl.addr.del(a.live.ifindex, a.live.cidr, { ...(a.live.peer === undefined ? {} : { peer: a.live.peer }), ...sig }).catch(ignoreGone))),
            ...tcRemovals(d, nl, sig, step),
          ];
        }),
      );
      await nexthopRemovals(diff, (key) => h(key).nl, sig, step);
      await settle(diff.namespaces.flatMap((d) => d.linkRemoves.map((l) => step(l, () => h(d.ns.key).nl.link.del(l.ifindex, sig).catch(ignoreGone)))));
      const dir = env.runDir === undefined ? {} : { runDir: env.runDir };
      await settle(diff.nsRemoves.map((name) => step(name, () => netns.del(name, dir).catch(ignoreGone))));
      await settle(diff.released.map((key) => step(`released:${key}`, () => env.release(key))));
    } catch (e) {
      const failure = e instanceof StepFailure ? e : new StepFailure(undefined, e);
      throw new TopologyError(
        model.name,
        'topology.apply',
        `topology '${model.name}': apply failed at removals${failure.step === undefined ? '' : `: ${describeStep(failure.step)}`}: ${failure.message} (everything declared is in place; removals cannot be undone)`,
        { ...(failure.step === undefined ? {} : { step: failure.step }), cause: failure.cause },
      );
    }
  });
  return timings;

  // ---- the stages' work, per object

  async function namespaceStage(d: NsDiff): Promise<void> {
    const key = d.ns.key;
    if (d.create) {
      await step(d, async () => {
        const dir = env.runDir === undefined ? {} : { runDir: env.runDir };
        const ns = d.ns.source === 'named' ? await netns.add(d.ns.name as string, dir) : await netns.create();
        made.add(key);
        undo.push({
          what: `namespace ${d.ns.name ?? key}`,
          run: async () => {
            const held = handles.get(key);
            handles.delete(key);
            if (held !== undefined) await closeHandle(held);
            else ns.close();
            if (d.ns.source === 'named') await netns.del(d.ns.name as string, dir).catch(ignoreGone);
          },
        });
        const opened = await handleOn(ns, sig);
        if (d.ns.source === 'anonymous') opened.anonymous = true;
        handles.set(key, opened);
        // The mark first: from here on, destroy finds this namespace even if this process dies.
        await opened.nl.link.set('lo', { alias: netnsMark(model.name), ...(d.lo?.up === true ? { up: true } : {}) }, sig);
      });
    } else if (d.lo?.up !== undefined) {
      const up = d.lo.up;
      await step(d.lo, async () => {
        const nl = h(key).nl;
        await nl.link.set('lo', { up }, sig);
        log(key, 'lo up/down', () => nl.link.set('lo', { up: !up }));
      });
    }
    for (const w of d.nsSysctls) await step(w, () => writeSysctl(d, w));
  }

  async function writeSysctl(d: NsDiff, w: SysctlWork): Promise<void> {
    const ns = h(d.ns.key).ns;
    await ns.sysctl.set(w.sysctl.name, w.sysctl.value);
    const old = w.old;
    if (old !== undefined) log(d.ns.key, `sysctl ${w.sysctl.name}`, () => ns.sysctl.set(w.sysctl.name, old));
  }

  async function createLink(l: ModelLink): Promise<void> {
    if (l.tun !== undefined) return createTun(l, l.tun);
    const own = h(l.ns);
    const creator = l.linkNetns === undefined ? own : h(l.linkNetns);
    const inPlace = creator === own;
    const { addrGenMode, ...options } = l.options;
    const spec: Record<string, unknown> = { kind: l.kind, name: l.name, ...options, group: l.group };
    if (inPlace) {
      // One request (plus link.add's own follow-up for the alias): made, marked, enslaved, up.
      spec.alias = l.alias;
      if (addrGenMode !== undefined) spec.addrGenMode = addrGenMode;
      if (l.up) spec.up = true;
      if (l.master !== undefined) spec.master = l.master;
    } else {
      // Made from the namespace of its parent directly into its own.
      spec.netns = own.ns;
    }
    const peer = l.peer;
    if (peer !== undefined) {
      const ph = h(peer.ns);
      const { addrGenMode: _peerMode, ...peerOptions } = peer.options;
      spec.peer = { name: peer.name, ...peerOptions, group: peer.group, ...(ph === creator ? {} : { netns: ph.ns }) };
    }
    await creator.nl.link.add(spec as unknown as AnyLinkAddOptions, sig);
    // Undone by deleting an end that lives in a namespace this apply did not
    // make: a namespace that goes away takes its links along, but only later
    // (the kernel cleans namespaces up asynchronously), and a veth's other
    // end must be gone when the roll-back returns.
    if (!made.has(l.ns)) log(l.ns, `link ${l.name}`, () => own.nl.link.del(l.name).catch(ignoreGone));
    else if (peer !== undefined && !made.has(peer.ns)) {
      const ph = h(peer.ns);
      log(peer.ns, `link ${peer.name}`, () => ph.nl.link.del(peer.name).catch(ignoreGone));
    }
    if (!inPlace) {
      const finish: Record<string, unknown> = { alias: l.alias };
      if (addrGenMode !== undefined) finish.addrGenMode = addrGenMode;
      if (l.master !== undefined) finish.master = l.master;
      await own.nl.link.set(l.name, finish, sig);
      if (l.up) await own.nl.link.set(l.name, { up: true }, sig);
    }
    await portOptions(own, l);
    if (peer !== undefined) {
      // The far end is finished from its own namespace: the kernel refuses
      // IFF_UP on a peer in the creating request, and names resolve there.
      const ph = h(peer.ns);
      if (peer.options.addrGenMode !== undefined) await ph.nl.link.set(peer.name, { addrGenMode: peer.options.addrGenMode as 'none' }, sig);
      await ph.nl.link.set(peer.name, { alias: peer.alias, ...(peer.up ? { up: true } : {}), ...(peer.master === undefined ? {} : { master: peer.master }) }, sig);
      await portOptions(ph, peer);
    }
  }

  /**
   * A TUN/TAP device: made through /dev/net/tun in its namespace, then
   * finished over rtnetlink like a link made elsewhere (mark first, so that
   * destroy finds it whatever happens next; up last, once enslaved).
   */
  async function createTun(l: ModelLink, tun: ModelTun): Promise<void> {
    const own = h(l.ns);
    await openPersistent(own.ns, l.name, tun, env.signal);
    // Persistent, so nothing takes it away but a delete (RTM_DELLINK works for tun devices).
    if (!made.has(l.ns)) log(l.ns, `link ${l.name}`, () => own.nl.link.del(l.name).catch(ignoreGone));
    const finish: Record<string, unknown> = { ...l.options, alias: l.alias, group: l.group }; // options: mtu, txqlen, mac
    if (l.master !== undefined) finish.master = l.master;
    await own.nl.link.set(l.name, finish, sig);
    await portOptions(own, l);
    if (l.up) await own.nl.link.set(l.name, { up: true }, sig);
  }

  /** A port's bridge or bond options, once it is enslaved (the kernel applies them with its master's ops). */
  async function portOptions(x: NsHandle, l: Pick<ModelLink, 'name' | 'bridgePort' | 'bondPort'>): Promise<void> {
    if (l.bridgePort !== undefined) await x.nl.link.set(l.name, { bridgePort: l.bridgePort }, sig);
    if (l.bondPort !== undefined) await x.nl.link.set(l.name, { bondPort: l.bondPort }, sig);
  }

  async function changeLink(d: NsDiff, c: LinkChange): Promise<void> {
    const nl = h(d.ns.key).nl;
    const name = c.model.name;
    if (Object.keys(c.set).length > 0) {
      await nl.link.set(name, c.set, sig);
      log(d.ns.key, `link ${name}`, () => nl.link.set(name, c.undo));
    }
    if (c.kindSet !== undefined) await nl.link.set(name, { kind: c.model.kind, ...c.kindSet } as never, sig);
    await portOptions(h(d.ns.key), { name, bridgePort: c.bridgePort, bondPort: c.bondPort });
  }

  async function addRoute(d: NsDiff, r: ModelRoute): Promise<void> {
    const nl = h(d.ns.key).nl;
    // In its own namespaces the topology may replace what the kernel made
    // meanwhile (a connected route an address just added); elsewhere it
    // only adds, never overwriting someone else's route.
    await (owned(d.ns.key) ? nl.route.replace(r.spec as RouteSpec, sig) : nl.route.add(r.spec as RouteSpec, sig));
    log(d.ns.key, `route ${r.key}`, () => nl.route.del(r.spec as RouteSpec).catch(ignoreGone));
  }

  async function changeRoute(d: NsDiff, r: Changed<ModelRoute, Route>): Promise<void> {
    const nl = h(d.ns.key).nl;
    await nl.route.replace(r.model.spec as RouteSpec, sig);
    const old = routeSpecOf(r.live);
    if (old !== undefined) log(d.ns.key, `route ${r.model.key}`, () => nl.route.replace(old));
  }
}

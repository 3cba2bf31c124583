#!/usr/bin/env node
// The leak soak: mixed operations in a loop (namespaces created and closed,
// link add/set/del, addresses, routes, neighbours, dumps), then a check that
// what the process holds and what the kernel has returned to where they
// started: open fds, RSS (after warm-up), network namespaces, the host's
// links.
//
//   node bench/soak.mjs            # 100,000 operations (about a minute)
//   OPS=20000 node bench/soak.mjs
//
// Everything happens in anonymous namespaces made here (198.18.0.0/15 only),
// so nothing can outlive the process. test/reliability/soak.test.mjs runs a short soak
// through runSoak() on every `npm test`.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { Tun, netns, open } = await import(process.env.NETLOOM_DIST ? pathToFileURL(process.env.NETLOOM_DIST).href : '../dist/index.js');

/** Open fds of this process. */
export const fdCount = () => readdirSync('/proc/self/fd').length;

/** Network namespaces alive in the kernel (active net_namespace slab objects). */
export function netnsCount() {
  const line = readFileSync('/proc/slabinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('net_namespace '));
  return line === undefined ? NaN : Number(line.split(/\s+/)[1]);
}

/** How many of this process's fds refer to a network namespace. */
export function netnsFdCount() {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('net:[')) n++;
    } catch {
      // closed meanwhile (the readdir's own fd)
    }
  }
  return n;
}

/** The host namespace's link names, sorted. */
export const hostLinks = () => readdirSync('/sys/class/net').sort();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Wait (bounded) until `probe()` returns `want` (or at most `want` when `atMost`). */
async function settle(probe, want, { atMost = false, ms = 20000 } = {}) {
  const end = Date.now() + ms;
  let v = probe();
  while (!(atMost ? v <= want : v === want) && Date.now() < end) {
    await sleep(50);
    v = probe();
  }
  return v;
}

// One cycle: 26 operations in the namespace `ns` behind `nl` (which has bridge
// br0), leaving it as found. One link pair made and deleted per cycle: link
// deletion waits for the kernel (an RCU grace period per device), so a mix
// heavy in it would measure the kernel, not netloom.
async function cycle(ns, nl, i) {
  const h = `s${i % 1000}`;
  await nl.link.add({ kind: 'veth', name: `${h}a`, addrGenMode: 'none', peer: { name: `${h}b`, addrGenMode: 'none' } });
  await nl.link.set(`${h}a`, { master: 'br0', up: true });
  await nl.link.set(`${h}b`, { up: true, mtu: 1400 });
  await nl.addr.add(`${h}b`, '198.18.0.1/24');
  await nl.addr.add(`${h}b`, '198.19.0.1/24');
  await nl.addr.list({ dev: `${h}b` });
  await nl.addr.del(`${h}b`, '198.19.0.1/24');
  const routes = ['198.18.10.0/24', '198.18.11.0/24', '198.18.12.0/24'];
  await Promise.all(routes.map((dst) => nl.route.add({ dst, via: '198.18.0.2' })));
  await nl.route.list({ family: 'inet' });
  await Promise.all(routes.map((dst) => nl.route.del({ dst, via: '198.18.0.2' })));
  await nl.neigh.add({ dst: '198.18.0.7', lladdr: '02:00:00:00:00:07', dev: `${h}b` });
  await nl.neigh.list({ dev: `${h}b` });
  await nl.neigh.del({ dst: '198.18.0.7', dev: `${h}b` });
  await nl.link.list();
  await nl.link.get(`${h}a`);
  // A TUN device opened, set up, given a packet, closed (it goes away with its fd).
  const tun = await Tun.open({ netns: ns, name: `${h}t` });
  await nl.link.set(`${h}t`, { up: true }); // a device that is down refuses writes (EIO)
  tun.write(Buffer.from('450000140000000040ff0000c6120001c6120002', 'hex'));
  await tun.close();
  // A failure now and then: errors must not leak either.
  await nl.link.add({ kind: 'bridge', name: 'br0' }).catch(() => undefined);
  await nl.link.del(`${h}a`); // its peer and what is on it go with it
}
const OPS_PER_CYCLE = 26;
const CYCLES_PER_NETNS = 20; // plus 4 operations each: netns.create + open + bridge, and close

/**
 * Run about `ops` operations; returns the measurements before, after warm-up
 * and at the end (after the kernel settled).
 */
export async function runSoak({ ops = 100000, onProgress } = {}) {
  const start = { fds: fdCount(), netnsFds: netnsFdCount(), netns: netnsCount(), links: hostLinks() };
  let done = 0;
  let warm;
  let created = 0;
  const t0 = performance.now();
  for (let i = 0; done < ops; ) {
    const ns = await netns.create();
    created++;
    const nl = await open({ netns: ns });
    try {
      await nl.link.add({ kind: 'bridge', name: 'br0', up: true, addrGenMode: 'none' });
      for (let k = 0; k < CYCLES_PER_NETNS && done < ops; k++, i++) {
        await cycle(ns, nl, i);
        done += OPS_PER_CYCLE;
      }
    } finally {
      await nl.close();
      ns.close();
    }
    done += 4;
    // RSS grows for a while (V8's heap, allocator arenas) and then stays
    // flat: the baseline is taken a quarter of the way in.
    if (warm === undefined && done >= ops / 4) {
      globalThis.gc?.();
      warm = { rss: process.memoryUsage().rss, ops: done };
    }
    onProgress?.(done);
  }
  const seconds = (performance.now() - t0) / 1000;
  globalThis.gc?.();
  // Sender threads close their fd copies, and the kernel destroys closed
  // namespaces, a little after the fact: wait for both (bounded).
  const fds = await settle(fdCount, start.fds, { atMost: true });
  const ns = await settle(netnsCount, start.netns, { atMost: true, ms: 60000 });
  const end = { fds, netnsFds: netnsFdCount(), netns: ns, links: hostLinks(), rss: process.memoryUsage().rss };
  return { ops: done, seconds, start, warm, end, created };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ops = Number(process.env.OPS ?? 100000);
  if (!Number.isInteger(ops) || ops < 100 || ops > 10000000) throw new RangeError(`OPS must be 100..10000000, got ${process.env.OPS}`);
  let last = 0;
  const t0 = performance.now();
  const r = await runSoak({
    ops,
    onProgress: (n) => {
      if (n - last >= ops / 10) {
        last = n;
        console.log(`  ${n} operations, ${Math.round(n / ((performance.now() - t0) / 1000))}/s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB, fds ${fdCount()}`);
      }
    },
  });
  const mib = (b) => (b / 2 ** 20).toFixed(1);
  const growth = r.end.rss - r.warm.rss;
  console.log(`soak: ${r.ops} operations in ${r.seconds.toFixed(1)} s (${Math.round(r.ops / r.seconds)}/s)`);
  console.log(`  fds: ${r.start.fds} at start, ${r.end.fds} at the end`);
  console.log(`  network namespaces: ${r.start.netns} at start, ${r.end.netns} at the end (${r.created} made); namespace fds held: ${r.start.netnsFds} -> ${r.end.netnsFds}`);
  console.log(`  host links: ${r.start.links.join(' ')} -> ${r.end.links.join(' ')}`);
  console.log(`  rss: ${mib(r.warm.rss)} MiB after warm-up (${r.warm.ops} ops), ${mib(r.end.rss)} MiB at the end (${growth >= 0 ? '+' : ''}${mib(growth)} MiB)`);
  const ok = r.end.fds <= r.start.fds && r.end.netnsFds === r.start.netnsFds && r.end.netns <= r.start.netns && r.end.links.join() === r.start.links.join() && growth < 16 * 2 ** 20;
  console.log(ok ? 'soak: ok' : 'soak: LEAK');
  process.exit(ok ? 0 : 1);
}

#!/usr/bin/env node
// W2 "namespaces" with netloom (run it under anchors/fresh-netns: it works in
// the namespace it is started in, and its named namespaces go in the private
// /run/netns that fresh-netns mounts).
// br0 198.18.0.1/16 up; N named namespaces ns<i>, each with a veth whose inner
// end is eth0 198.18.1.<i>/16, lo and eth0 up, outer end h<i> on br0 and up;
// one ping ns1 -> ns<N> (NetNs.ping: must get a reply, else exit 1); then
// everything deleted.
//
// STYLE=steps (default): the requests anchors/ip/w2.sh sends, per namespace:
//   netns add; veth h<i>/c<i> made here; c<i> moved into ns<i>; inside (a
//   socket opened in ns<i>): c<i> renamed eth0, its address, lo up, eth0 up;
//   h<i> master br0, h<i> up. Each namespace's chain runs in order (each
//   step needs the one before; lo up and the address go together); the N
//   chains run at once, so requests are pipelined. Teardown: the same
//   requests as ip, del h<i> (eth0 goes with it) for every i first, then
//   every netns del, then br0.
// STYLE=fast: the end state of anchors/ip/w2-fastpath.sh: netns add; one
//   link.add makes h<i> with master br0 and up, its peer made directly inside
//   ns<i> as eth0 and brought up (the library finishes the peer from inside);
//   inside: the address and lo up together. Teardown: every netns deleted
//   (handles closed, so the kernel cleans the namespaces up), then wait until
//   the kernel has really removed every h<i>, then br0 — as w2-fastpath.sh.
//
// Env: N (default 100, 1..250: one /16 host octet), STYLE (steps|fast),
// NETLOOM_DIST (the dist/index.js to load; default ../dist/index.js).
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const { open, netns } = await import(process.env.NETLOOM_DIST ? pathToFileURL(process.env.NETLOOM_DIST).href : '../dist/index.js');

const N = Number(process.env.N ?? 100);
const STYLE = process.env.STYLE ?? 'steps';
if (!Number.isInteger(N) || N < 1 || N > 250) throw new RangeError(`N must be an integer 1..250, got ${process.env.N}`);
if (STYLE !== 'steps' && STYLE !== 'fast') throw new RangeError(`STYLE must be steps or fast, got ${STYLE}`);

const now = () => performance.now() / 1000;
const range = Array.from({ length: N }, (_, k) => k + 1);
const tag = `netloom-${STYLE}`;

const t0 = now();
const nl = await open();
const handles = new Map(); // i -> NetNs (fds pin their namespace: closed before teardown)
let t1;
let t2;
let t3;
let delReturned;
let pingResult;
try {
  await nl.link.add({ kind: 'bridge', name: 'br0' });
  await nl.addr.add('br0', '198.18.0.1/16');
  await nl.link.set('br0', { up: true });

  if (STYLE === 'steps') {
    await Promise.all(
      range.map(async (i) => {
        const ns = await netns.add(`ns${i}`);
        handles.set(i, ns);
        await nl.link.add({ kind: 'veth', name: `h${i}`, peer: { name: `c${i}` } });
        await nl.link.set(`c${i}`, { netns: ns });
        const nli = await open({ netns: ns });
        try {
          await nli.link.set(`c${i}`, { name: 'eth0' });
          await Promise.all([nli.addr.add('eth0', `198.18.1.${i}/16`), nli.link.set('lo', { up: true })]);
          await nli.link.set('eth0', { up: true });
        } finally {
          await nli.close();
        }
        await nl.link.set(`h${i}`, { master: 'br0' });
        await nl.link.set(`h${i}`, { up: true });
      }),
    );
  } else {
    await Promise.all(
      range.map(async (i) => {
        const ns = await netns.add(`ns${i}`);
        handles.set(i, ns);
        await nl.link.add({ kind: 'veth', name: `h${i}`, master: 'br0', up: true, peer: { name: 'eth0', netns: ns, up: true } });
        const nli = await open({ netns: ns });
        try {
          await Promise.all([nli.addr.add('eth0', `198.18.1.${i}/16`), nli.link.set('lo', { up: true })]);
        } finally {
          await nli.close();
        }
      }),
    );
  }
  for (const [i, ns] of handles) if (i !== 1) ns.close();
  t1 = now();

  // Connectivity: ICMP echo from inside ns1 to ns<N> through br0.
  pingResult = await handles.get(1).ping(`198.18.1.${N}`, { count: 1, timeout: 5000 });
  handles.get(1).close();
  if (pingResult.received < 1) {
    console.error(`W2 ${tag}: ping ns1 -> ns${N} got no reply (${JSON.stringify(pingResult)})`);
    process.exitCode = 1;
  }
  t2 = now();

  if (STYLE === 'steps') {
    // The same requests as ip (del h<i>, netns del ns<i>), but every link
    // delete first and then the namespace deletes: interleaving them makes
    // the kernel's namespace cleanup (which takes the rtnl lock) run between
    // the link deletes (measured at N=100: 2.0 s interleaved vs 1.65 s split).
    await Promise.all(range.map((i) => nl.link.del(`h${i}`))); // eth0 inside ns<i> goes with it
    await Promise.all(range.map((i) => netns.del(`ns${i}`)));
    await nl.link.del('br0');
    t3 = now();
  } else {
    await Promise.all(range.map((i) => netns.del(`ns${i}`)));
    delReturned = now();
    // Namespace cleanup is asynchronous: wait (bounded) until every h<i> is gone.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const left = (await nl.link.list({ kind: 'veth' })).length;
      if (left === 0) break;
      if (Date.now() > deadline) throw new Error(`W2 ${tag}: ${left} veths still there 60 s after the namespaces were deleted`);
      await sleep(10);
    }
    await nl.link.del('br0');
    t3 = now();
  }
} finally {
  for (const ns of handles.values()) ns.close();
  await nl.close();
}
if (process.exitCode !== 1) {
  const f = (a, b) => (b - a).toFixed(3);
  const extra = delReturned === undefined ? '' : ` (netns del returned after ${f(t2, delReturned)}s)`;
  console.log(`W2 ${tag} ok: ping ns1 -> ns${N}; build ${f(t0, t1)}s ping ${f(t1, t2)}s teardown ${f(t2, t3)}s${extra}`);
}

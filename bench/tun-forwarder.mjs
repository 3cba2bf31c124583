#!/usr/bin/env node
// The netloom TUN forwarder for anchors/tun/run.sh (`custom` case): the same
// job as anchors/tun/tunfwd.c, written with netloom's public API only.
//
//   node bench/tun-forwarder.mjs [--vnet] [--style pipe|js] NSPATH_A IFNAME_A NSPATH_B IFNAME_B
//
// --vnet       IFF_VNET_HDR with every offload the kernel grants (TSO, USO):
//              GSO super-packets pass through unchanged, header included.
// --style pipe tunA.pipeTo(tunB) and back: forwarded natively in the poll
//              callback, no JavaScript per packet or batch (the default).
// --style js   a JavaScript loop per direction: for each batch read,
//              writeBatch() it to the other device and release() it.
// --no-lag     without the event-loop delay monitor (its 1 ms timer), to
//              check what measuring costs.
//
// Each device is created inside its namespace (Tun.open({ netns })). Prints
// READY once both exist; on SIGTERM prints per-direction counters and the
// event loop's delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution)
// in each stretch of forwarding (see below).
import { monitorEventLoopDelay } from 'node:perf_hooks';

const { Tun, netns } = await import(process.env.NETLOOM_DIST ? `file://${process.env.NETLOOM_DIST}` : '../dist/index.js');

const args = process.argv.slice(2);
let vnet = false;
let style = 'pipe';
let lagMonitor = true;
while (args[0]?.startsWith('--')) {
  const a = args.shift();
  if (a === '--vnet') vnet = true;
  else if (a === '--no-lag') lagMonitor = false;
  else if (a === '--style') style = args.shift();
  else throw new Error(`unknown option ${a}`);
}
if (args.length !== 4 || !['pipe', 'js'].includes(style)) {
  console.error('usage: tun-forwarder.mjs [--vnet] [--style pipe|js] NSPATH_A IFNAME_A NSPATH_B IFNAME_B');
  process.exit(2);
}
const [pathA, nameA, pathB, nameB] = args;

const nsA = await netns.open({ path: pathA });
const nsB = await netns.open({ path: pathB });
const opts = vnet ? { offloads: 'all' } : {};
const a = await Tun.open({ name: nameA, netns: nsA, ...opts });
const b = await Tun.open({ name: nameB, netns: nsB, ...opts });
nsA.close();
nsB.close();

// Event-loop delay while forwarding. A busy stretch is a run of seconds in
// which more than 1000 packets moved (one iperf3 run); the histogram keeps
// accumulating through a stretch and is read and reset when it ends, so
// each stretch's p99 is over all of its samples. The values are the
// intervals between 1 ms timer ticks: 1 ms is the floor, not lag. The
// monitor runs only inside stretches (from their first busy second), so
// that its 1 ms timer does not count against the idle CPU below.
//
// Idle CPU: the process's CPU time (user + system) in each second of steady
// idleness, a second in which no packet moved that follows at least
// IDLE_SETTLE_S such seconds: what an open, idle pair of devices costs (the
// 1 s sampler here included). The first seconds after start-up and after a
// busy spell are left out: V8 is still compiling and its memory reducer runs
// a few garbage collections then (10-20 ms each, in Node without netloom
// too). Reported as the median second and the mean.
const lag = monitorEventLoopDelay({ resolution: 1 });
const stretches = []; // { seconds, p99, max } in ms
let stretch = 0;
let lastPackets = 0;
let lastCpu = process.cpuUsage();
const IDLE_SETTLE_S = 5;
const idleSeconds = []; // CPU microseconds in each steady idle second
let idleRun = 0; // seconds without a packet, so far
const endStretch = () => {
  if (stretch > 0 && lag.count > 0) stretches.push({ seconds: stretch, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 });
  stretch = 0;
  lag.disable();
  lag.reset();
};
const sampler = setInterval(() => {
  const now = a.stats.rxPackets + b.stats.rxPackets;
  const cpu = process.cpuUsage(lastCpu);
  lastCpu = process.cpuUsage();
  if (now - lastPackets > 1000) {
    if (stretch++ === 0 && lagMonitor) lag.enable();
  } else endStretch();
  if (now !== lastPackets) idleRun = 0;
  else if (++idleRun > IDLE_SETTLE_S) idleSeconds.push(cpu.user + cpu.system);
  lastPackets = now;
}, 1000);
sampler.unref();

async function jsForward(from, to) {
  for await (const batch of from.batches()) {
    const ok = to.writeBatch(batch);
    batch.release();
    if (!ok) await to.drain();
  }
}

const done = style === 'pipe' ? [a.pipeTo(b), b.pipeTo(a)] : [jsForward(a, b), jsForward(b, a)];
for (const d of done) d.catch((e) => console.error(`fwd error: ${e.message}`));
console.log(`READY netloom style=${style} vnet=${vnet} offloads=${a.offloads.join(',') || 'none'} ${a.name}/${a.ifindex} ${b.name}/${b.ifindex}`);

process.once('SIGTERM', async () => {
  clearInterval(sampler);
  endStretch();
  const sa = a.stats;
  const sb = b.stats;
  await Promise.allSettled([a.close(), b.close()]);
  await Promise.allSettled(done);
  const dir = (name, rx, tx) =>
    `fwd ${name} pkts=${rx.rxPackets} bytes=${rx.rxBytes} batches=${rx.rxBatches} meanlen=${rx.rxPackets ? Math.round(rx.rxBytes / rx.rxPackets) : 0} ` +
    `tx=${tx.txPackets} dropped=${tx.txDropped} segmented=${tx.txSegmented}`;
  console.error(dir('A->B', sa, sb));
  console.error(dir('B->A', sb, sa));
  const f = (xs) => xs.map((x) => x.toFixed(3)).join(',');
  console.error(
    `fwd lag stretches=${stretches.length} seconds=${stretches.map((x) => x.seconds).join(',')} ` +
      `p99_ms=${f(stretches.map((x) => x.p99))} max_ms=${f(stretches.map((x) => x.max))} ` +
      `worst_p99_ms=${Math.max(0, ...stretches.map((x) => x.p99)).toFixed(3)}`,
  );
  const sorted = [...idleSeconds].sort((x, y) => x - y);
  const pctOf = (micros) => ((micros / 1e6) * 100).toFixed(3);
  console.error(
    `fwd idle seconds=${sorted.length} median_cpu_pct=${sorted.length ? pctOf(sorted[sorted.length >> 1]) : ''} ` +
      `mean_cpu_pct=${sorted.length ? pctOf(sorted.reduce((n, x) => n + x, 0) / sorted.length) : ''}`,
  );
  process.exit(0);
});

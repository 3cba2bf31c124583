// Load: a TUN forwarder under a flood keeps the event loop responsive.
// Twenty echo senders at once in namespace A (netloom's own ping, each the
// next request as soon as the last reply is in, as `ping -f` does; no ping
// program needed) flood B through the two tun devices and netloom's native
// pipe in this process (the forwarder benchmark's shape,
// test/helpers/tunnet.mjs), for a bounded count; meanwhile the event loop's
// delay is sampled. The benchmark (bench/tun.mjs) measures the same under
// iperf3 at full rate.
import t from 'tap';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tunPair } from '../helpers/tunnet.mjs';

t.test('forwarding a ping flood natively, the event loop stays responsive', async (t) => {
  const { A, tunA, tunB } = await tunPair(t);
  const ab = tunA.pipeTo(tunB);
  const ba = tunB.pipeTo(tunA);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  // Timers keep firing on time while the flood runs: count them.
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  delay.enable();
  const t0 = performance.now();
  const senders = 20;
  const each = 1000;
  const rounds = 3;
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    runs.push(...(await Promise.all(Array.from({ length: senders }, () => A.ns.ping('198.18.2.1', { count: each, interval: 0, timeout: 1000 })))));
  }
  const seconds = (performance.now() - t0) / 1000;
  delay.disable();
  clearInterval(timer);
  const p99 = delay.percentile(99) / 1e6;
  const sent = runs.reduce((n, r) => n + r.sent, 0);
  const received = runs.reduce((n, r) => n + r.received, 0);
  t.equal(sent, rounds * senders * each, `${rounds} rounds of ${senders} senders sent ${each} echo requests each`);
  t.ok(received >= 0.95 * sent, `${received} of ${sent} echo replies came back through the forwarder in ${seconds.toFixed(1)} s`);
  t.ok(tunA.stats.rxPackets >= received && tunB.stats.rxPackets >= received, `forwarded ${tunA.stats.rxPackets} A -> B and ${tunB.stats.rxPackets} B -> A`);
  t.ok(p99 < 20, `event-loop delay p99 ${p99.toFixed(2)} ms while forwarding (the benchmark's target, 5 ms, on a quiet machine)`);
  t.ok(ticks >= (seconds * 100) / 2, `a 10 ms timer fired ${ticks} times in ${seconds.toFixed(1)} s`);
  await tunA.close();
  await tunB.close();
  await Promise.all([ab, ba]);
});

#!/usr/bin/env node
// Scenario S2: a bridge as a virtual switch for several namespaces.
//
//   ip link add br0 type bridge ; ip link set br0 up
//   ip addr add 198.18.1.10/24 dev br0
//   for n in 1 2: ip netns add ns$n
//     ip link add veth${n}_ns type veth peer name veth${n}_br   (peer made inside ns$n)
//     ip link set veth${n}_br master br0 ; ip link set veth${n}_br up
//     ip netns exec ns$n ip link set veth${n}_ns up
//     ip netns exec ns$n ip addr add 198.18.1.1$n/24 dev veth${n}_ns
//   ip netns exec ns1 ping 198.18.1.12 ; ip netns exec ns1 ping 198.18.1.10
//
// The bridge lives in a "host" namespace this program makes, so the machine's
// own interfaces are never touched. ns1 and ns2 are named namespaces, visible
// to `ip netns list` while the demo runs. Everything is removed at the end,
// even on failure.
import { netns, open } from 'netloom';

const prefix = process.env.NETLOOM_DEMO_PREFIX ?? `netloom-demo-${process.pid}`;
const step = (msg) => console.log(`  ${msg}`);

async function main() {
  const cleanup = [];
  try {
    console.log('netloom demo: scenario S2, a bridge joining two namespaces');
    const host = await netns.create();
    cleanup.push(() => host.close());
    const nl = await open({ netns: host });
    cleanup.push(() => nl.close());

    await nl.link.set('lo', { up: true });
    await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
    await nl.addr.add('br0', '198.18.1.10/24');
    step('host: bridge br0 up with 198.18.1.10/24');

    const members = [];
    for (const n of [1, 2]) {
      const name = `${prefix}-ns${n}`;
      const ns = await netns.add(name);
      cleanup.push(() => netns.del(name), () => ns.close());
      // One request: the veth pair, its host end enslaved to br0 and up,
      // its other end created directly inside ns<n> and up.
      await nl.link.add({
        kind: 'veth',
        name: `veth${n}_br`,
        master: 'br0',
        up: true,
        peer: { name: `veth${n}_ns`, netns: ns, up: true },
      });
      const inner = await open({ netns: ns });
      cleanup.push(() => inner.close());
      await inner.link.set('lo', { up: true });
      await inner.addr.add(`veth${n}_ns`, `198.18.1.1${n}/24`);
      members.push({ n, name, ns, inner });
      step(`${name}: veth${n}_ns 198.18.1.1${n}/24, peer veth${n}_br on br0`);
    }

    const [ns1] = members;
    for (const [what, addr] of [['ns2', '198.18.1.12'], ['the bridge', '198.18.1.10']]) {
      const r = await ns1.ns.ping(addr, { count: 2, interval: 100, timeout: 2000 });
      step(`ping ns1 -> ${what} (${addr}): ${r.received}/${r.sent} replies, rtt ${r.rtts.map((x) => x.toFixed(3)).join(' ')} ms`);
      if (r.received === 0) throw new Error(`no reply from ${addr}`);
    }

    const ports = await nl.link.list({ master: 'br0' });
    step(`br0 ports: ${ports.map((l) => `${l.name} (${l.operstate})`).join(', ')}`);
    console.log('ok: built, proven with ping; tearing down');
  } finally {
    for (const undo of cleanup.reverse()) {
      try {
        await undo();
      } catch (e) {
        console.error(`cleanup: ${e.message}`);
        process.exitCode = 1;
      }
    }
  }
  const left = (await netns.list()).filter((n) => n.startsWith(prefix));
  if (left.length) throw new Error(`left behind: ${left.join(', ')}`);
  console.log('torn down: nothing left behind');
}

main().catch((e) => {
  console.error(`demo failed: ${e.message}`);
  process.exitCode = 1;
});

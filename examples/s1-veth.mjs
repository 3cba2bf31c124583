#!/usr/bin/env node
// Scenario S1: two namespaces joined by a veth pair.
//
//   ip netns add netns1
//   ip link add veth0 type veth peer name veth1
//   ip link set veth1 netns netns1
//   ip addr add 198.18.2.2/24 dev veth0 ; ip link set veth0 up
//   ip netns exec netns1 ip addr add 198.18.2.1/24 dev veth1
//   ip netns exec netns1 ip link set veth1 up ; ip link set dev lo up
//   ping 198.18.2.1
//   (move veth1 back) ; ip netns delete netns1
//
// "The root side" is a namespace this program makes, standing in for the
// host, so the machine's own network is never touched.
import { netns, open } from 'netloom';

const name = process.env.NETLOOM_S1_NAME ?? `netloom-s1-${process.pid}`;

const root = await netns.create();
const nl = await open({ netns: root });
let netns1;
let nl1;
try {
  netns1 = await netns.add(name);
  await nl.link.add({ kind: 'veth', name: 'veth0', peer: { name: 'veth1' } });
  await nl.link.set('veth1', { netns: netns1 }); // ip link set veth1 netns netns1
  await nl.addr.add('veth0', '198.18.2.2/24');
  await nl.link.set('veth0', { up: true });

  nl1 = await open({ netns: netns1 });
  await nl1.addr.add('veth1', '198.18.2.1/24');
  await nl1.link.set('veth1', { up: true });
  await nl1.link.set('lo', { up: true });

  const r = await root.ping('198.18.2.1', { count: 2, interval: 100, timeout: 2000 });
  console.log(`ping root -> netns1: ${r.received}/${r.sent}`);
  if (r.received === 0) throw new Error('no reply');

  // The peer's namespace id, as `ip link` shows it (link-netnsid).
  const veth0 = await nl.link.get('veth0');
  console.log(`veth0: peer ifindex ${veth0.parent}, link-netnsid ${veth0.linkNetnsid}`);

  await nl1.link.set('veth1', { netns: root }); // move it back
  console.log(`veth1 is back: ${(await nl.link.get('veth1')).name}`);
} finally {
  await nl1?.close();
  netns1?.close();
  await netns.del(name).catch(() => {});
  await nl.close();
  root.close();
}

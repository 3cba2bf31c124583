#!/usr/bin/env node
// Scenario S3: container wiring as Docker does it.
//
//   ip link add name veth1 mtu 1500 type veth peer name veth2 mtu 1500
//   ip link set veth1 master docker0 ; ip link set veth1 up
//   ip link set veth2 netns <container pid>
//   ip netns exec <pid> ip link set veth2 name eth0
//   ip netns exec <pid> ip addr add 198.18.3.2/24 dev eth0
//   ip netns exec <pid> ip link set eth0 up
//   ip netns exec <pid> ip route add default via 198.18.3.1
//
// The "container" is a real process in a namespace of its own (unshare
// --net sleep), found by PID like Docker does. The "host" with its docker0
// bridge is a namespace this program makes, so the machine is not touched.
// The peer is created directly inside the container's namespace and named
// eth0 there: one request instead of a create, a move and a rename.
import { spawn } from 'node:child_process';
import { netns, open } from 'netloom';

const host = await netns.create();
const nl = await open({ netns: host });
const container = spawn('unshare', ['--net', 'sleep', '60'], { stdio: 'ignore' });
let inner;
let cns;
try {
  await nl.link.set('lo', { up: true });
  await nl.link.add({ kind: 'bridge', name: 'docker0', up: true });
  await nl.addr.add('docker0', '198.18.3.1/24');

  // Wait until the child has left our namespace, then open its namespace by PID.
  const self = netns.current();
  for (let i = 0; i < 200; i++) {
    cns = await netns.open({ pid: container.pid });
    if (!cns.equals(self)) break;
    cns.close();
    cns = undefined;
    await new Promise((r) => setTimeout(r, 10));
  }
  self.close();
  if (!cns) throw new Error('the container process did not get its own namespace');

  await nl.link.add({
    kind: 'veth', name: 'veth1', mtu: 1500, master: 'docker0', up: true,
    peer: { name: 'eth0', mtu: 1500, netns: { pid: container.pid }, up: true },
  });
  inner = await open({ netns: cns });
  await inner.link.set('lo', { up: true });
  await inner.addr.add('eth0', '198.18.3.2/24');
  await inner.route.add({ dst: 'default', via: '198.18.3.1' });

  const r = await cns.ping('198.18.3.1', { count: 2, interval: 100, timeout: 2000 });
  console.log(`container -> docker0: ${r.received}/${r.sent}`);
  if (r.received === 0) throw new Error('no reply');

  // From the host side: which veth is the container's? Its eth0's peer index
  // (iflink) and the namespace id (link-netnsid), as `ip link` shows eth0@if7.
  const eth0 = await inner.link.get('eth0');
  const hostEnd = (await nl.link.list()).find((l) => l.ifindex === eth0.parent);
  console.log(`container eth0@if${eth0.parent} is the host's ${hostEnd?.name} (link-netnsid ${hostEnd?.linkNetnsid})`);
  const route = await inner.route.get('198.18.200.1');
  console.log(`container route to 198.18.200.1: via ${route.via} dev ${route.dev} (eth0 is ${eth0.ifindex})`);
} finally {
  await inner?.close();
  cns?.close();
  container.kill('SIGKILL');
  await nl.close();
  host.close();
}

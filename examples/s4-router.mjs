#!/usr/bin/env node
// Scenario S4: a router namespace between two networks.
//
//   ip netns add routerns
//   ip netns exec routerns sysctl -w net.ipv4.ip_forward=1
//   (one interface per network moved in, each with its address)
//   hosts on each side route the other network via the router
//
// And, as routers do, NAT (what people add with iptables or nft):
//
//   nft add table ip nat
//   nft add chain ip nat postrouting { type nat hook postrouting priority srcnat; }
//   nft add rule ip nat postrouting oifname "right0" ip saddr 198.18.10.0/24 masquerade
//
// Three namespaces: left (198.18.10.0/24, private), router, right
// (198.18.20.0/24, the outside, with no route back to left). Each veth's far
// end is created directly inside the router. A ping from left to right only
// works through the router's forwarding and its masquerade.
import { masquerade, netns, open, openNft } from 'netloom';

const made = [];
const handles = [];
try {
  const [left, router, right] = await Promise.all([netns.create(), netns.create(), netns.create()]);
  made.push(left, router, right);
  const [nlL, nlR, nlX] = await Promise.all([open({ netns: left }), open({ netns: right }), open({ netns: router })]);
  handles.push(nlL, nlR, nlX);

  await nlX.link.set('lo', { up: true });
  await router.sysctl.set('net.ipv4.ip_forward', 1); // without running sysctl
  await nlL.link.add({ kind: 'veth', name: 'eth0', up: true, peer: { name: 'left0', netns: router, up: true } });
  await nlR.link.add({ kind: 'veth', name: 'eth0', up: true, peer: { name: 'right0', netns: router, up: true } });
  await nlX.addr.add('left0', '198.18.10.1/24');
  await nlX.addr.add('right0', '198.18.20.1/24');
  await nlL.addr.add('eth0', '198.18.10.2/24');
  await nlR.addr.add('eth0', '198.18.20.2/24');
  await nlL.route.add({ dst: 'default', via: '198.18.10.1' });
  // No route on the right back to 198.18.10.0/24: replies go to the router's address.

  const nft = await openNft({ netns: router }); // nf_tables over netlink, no nft binary
  handles.push(nft);
  await nft.table.add({ family: 'ip', name: 'nat', owner: 's4-router' });
  await nft.chain.add({ family: 'ip', table: 'nat', name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat' });
  await nft.rule.add({ family: 'ip', table: 'nat', chain: 'postrouting', ...masquerade({ from: '198.18.10.0/24', outIface: 'right0', counter: true }) });

  console.log(`router: forwarding ${await router.sysctl.get('net.ipv4.ip_forward')}`);
  for (const r of await nlX.route.list({ family: 'inet' })) console.log(`router route: ${r.dst} dev ${r.dev}`);
  const p = await left.ping('198.18.20.2', { count: 2, interval: 100, timeout: 2000 });
  console.log(`left -> right through the router: ${p.received}/${p.sent}`);
  if (p.received === 0) throw new Error('no reply');
  const [rule] = await nft.rule.list({ family: 'ip', table: 'nat', chain: 'postrouting' });
  console.log(`router nat: masquerade ${rule?.match?.saddr} out ${String(rule?.match?.oifname)}, ${rule?.counter?.packets} flow(s) so far`);
} finally {
  for (const h of handles) await h.close();
  for (const ns of made) ns.close();
}

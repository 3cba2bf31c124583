#!/usr/bin/env node
// One end of the S5 point-to-point VPN (see index.mjs), meant to run inside
// its own network namespace (index.mjs starts it with ns.spawn): a tun
// device and a UDP socket, and packets copied between them. Flannel's old
// UDP backend (flannel0) is exactly this.
//
//   node peer.mjs LOCAL_UNDERLAY_IP REMOTE_UNDERLAY_IP TUNNEL_CIDR [PORT]
//
// Prints "READY <device>" once the tunnel is up; on SIGTERM closes
// everything and prints its counters.
import dgram from 'node:dgram';
import { open, Tun } from 'netloom';

const [local, remote, cidr, portArg = '51820'] = process.argv.slice(2);
if (!local || !remote || !cidr) {
  console.error('usage: peer.mjs LOCAL_UNDERLAY_IP REMOTE_UNDERLAY_IP TUNNEL_CIDR [PORT]');
  process.exit(2);
}
const port = Number(portArg);

// The device: created by ioctl (the kernel refuses tun over rtnetlink),
// then addressed and brought up over rtnetlink. The MTU leaves room for the
// 28 bytes of IPv4 + UDP the tunnel adds on a 1500-byte underlay.
const tun = await Tun.open({ name: 'vpn%d' });
const nl = await open();
await nl.link.set(tun.name, { mtu: 1420, up: true });
await nl.addr.add(tun.name, cidr);

const sock = dgram.createSocket('udp4');
// A connected UDP socket hears the ICMP "port unreachable" for datagrams
// sent before the other end was up, as ECONNREFUSED: not a reason to stop.
let unreachable = 0;
sock.on('error', (e) => {
  if (e.code !== 'ECONNREFUSED') throw e;
  unreachable++;
});
await new Promise((resolve) => sock.bind(port, local, resolve));
await new Promise((resolve) => sock.connect(port, remote, resolve));

// tun -> UDP: one datagram per packet. Packets from the iterator are never
// released behind our back, so handing them to send() is safe.
const pump = (async () => {
  for await (const packet of tun) sock.send(packet);
})();

// UDP -> tun. write() copies what the kernel cannot take at once.
let refused = 0;
sock.on('message', (datagram) => {
  try {
    tun.write(datagram);
  } catch {
    refused++; // not an IP packet: the kernel said EINVAL
  }
});

console.log(`READY ${tun.name}`);

process.once('SIGTERM', async () => {
  sock.close();
  const s = tun.stats;
  await tun.close();
  await pump;
  await nl.close();
  console.log(`STATS in ${s.rxPackets} packets / ${s.rxBytes} bytes, out ${s.txPackets} packets / ${s.txBytes} bytes, refused ${refused}, peer unreachable ${unreachable}x`);
  process.exit(0);
});

// S5's VM case: a TAP device enslaved to a bridge, a namespace on the other
// side of the bridge (veth), and this test playing the VM behind the TAP:
// it answers ARP and ping, and resolves and pings the namespace itself.
// Frames cross both ways, ARP included.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { Tun } from '../../dist/index.js';
import { sandbox } from '../helpers/sandbox.mjs';
import { arp, echoReply, ether, icmpEcho, ip4At, ipv4, macAt } from '../helpers/packets.mjs';

const VM_MAC = '02:00:00:00:00:0a';
const VM_IP = '198.18.5.10';
const NS_IP = '198.18.5.2';

t.test('a TAP on a bridge: ARP and ping in both directions', async (t) => {
  const host = await sandbox(t);
  const other = await sandbox(t, { lo: true });
  await host.nl.link.add({ kind: 'bridge', name: 'br0', up: true });
  const tap = await Tun.open({ netns: host.ns, mode: 'tap', name: 'vm0' });
  t.teardown(() => tap.close());
  await host.nl.link.set('vm0', { master: 'br0', up: true });
  await host.nl.link.add({ kind: 'veth', name: 'vbr', master: 'br0', up: true, peer: { name: 'eth0', netns: other.ns } });
  await other.nl.link.set('eth0', { up: true });
  await other.nl.addr.add('eth0', `${NS_IP}/24`);
  const nsMac = (await other.nl.link.get('eth0')).mac;

  // The VM: answer what is addressed to it, hand the rest to whoever waits.
  const seen = { arpRequests: [], arpReplies: [], echoReplies: [] };
  const waiters = [];
  const vm = (async () => {
    for await (const f of tap) {
      const type = f.readUInt16BE(12);
      if (type === 0x0806) {
        const op = f.readUInt16BE(14 + 6);
        const spa = ip4At(f, 14 + 14);
        const tpa = ip4At(f, 14 + 24);
        if (op === 1 && tpa === VM_IP) {
          seen.arpRequests.push(spa);
          const sha = macAt(f, 14 + 8);
          tap.write(ether({ dst: sha, src: VM_MAC, type: 0x0806, payload: arp({ op: 2, sha: VM_MAC, spa: VM_IP, tha: sha, tpa: spa }) }));
        } else if (op === 2 && tpa === VM_IP) {
          seen.arpReplies.push({ spa, sha: macAt(f, 14 + 8) });
        }
      } else if (type === 0x0800 && f[14 + 9] === 1 && ip4At(f, 14 + 16) === VM_IP) {
        const icmpType = f[14 + (f[14] & 0xf) * 4];
        if (icmpType === 8) {
          tap.write(ether({ dst: macAt(f, 6), src: VM_MAC, type: 0x0800, payload: echoReply(f, 14) }));
        } else if (icmpType === 0) {
          seen.echoReplies.push(ip4At(f, 14 + 12));
        }
      }
      for (const w of waiters.splice(0)) w();
    }
  })();
  const until = async (what, cond) => {
    for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
    t.ok(cond(), what);
  };

  // From the namespace to the VM: ARP for it, then ping.
  const r = await other.ns.ping(VM_IP, { count: 3, interval: 50, timeout: 2000 });
  t.equal(r.received, 3, 'the namespace pings the VM behind the TAP');
  t.ok(seen.arpRequests.includes(NS_IP), 'the VM read the namespace’s ARP request (frames in)');
  const neigh = execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${other.ns.fd}`, 'ip', '-j', 'neigh', 'show', VM_IP], { encoding: 'utf8' });
  t.equal(JSON.parse(neigh)[0]?.lladdr, VM_MAC, 'the namespace learned the VM’s MAC from the ARP reply the VM wrote (frames out)');

  // From the VM to the namespace: resolve it, then ping it.
  tap.write(ether({ dst: 'ff:ff:ff:ff:ff:ff', src: VM_MAC, type: 0x0806, payload: arp({ op: 1, sha: VM_MAC, spa: VM_IP, tpa: NS_IP }) }));
  await until('the namespace answered the VM’s ARP request', () => seen.arpReplies.some((a) => a.spa === NS_IP));
  const found = seen.arpReplies.find((a) => a.spa === NS_IP);
  t.equal(found.sha, nsMac, 'with its own MAC');
  const echo = ipv4({ src: VM_IP, dst: NS_IP, proto: 1, payload: icmpEcho({ type: 8, id: 7, seq: 1, data: Buffer.from('from the vm') }) });
  tap.write(ether({ dst: nsMac, src: VM_MAC, type: 0x0800, payload: echo }));
  await until('the namespace answered the VM’s ping', () => seen.echoReplies.includes(NS_IP));

  const fdb = JSON.parse(execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${host.ns.fd}`, 'bridge', '-j', 'fdb', 'show', 'br', 'br0'], { encoding: 'utf8' }));
  t.ok(fdb.some((e) => e.mac === VM_MAC && e.ifname === 'vm0'), 'the bridge learned the VM’s MAC on the TAP port');
  await tap.close();
  await vm;
});

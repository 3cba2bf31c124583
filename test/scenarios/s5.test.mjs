// Scenario S5: a point-to-point VPN over UDP between two namespaces.
// examples/s5-vpn runs as a program (each end a Node program inside its
// namespace); the same VPN is also built here inside one process, the UDP
// sockets made in the namespaces with NetNs.run. Both proven by ping and a
// byte-exact TCP echo, both leaving the host as they found it.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tun } from '../../dist/index.js';
import { sandbox } from '../helpers/sandbox.mjs';
import { tcpEcho, udpSocket } from '../helpers/tunnet.mjs';

const example = fileURLToPath(new URL('../../examples/s5-vpn/index.mjs', import.meta.url));
const hostState = () =>
  JSON.stringify({
    links: execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).split('\n').map((l) => l.split(':')[1]?.trim()).filter(Boolean).sort(),
    netns: existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => !n.startsWith('nlt-')).sort() : [],
  });

t.test('examples/s5-vpn: two peer programs, ping and 1 MiB TCP through the tunnel', async (t) => {
  const before = hostState();
  const r = spawnSync(process.execPath, [example], { encoding: 'utf8', timeout: 90000 });
  t.equal(r.status, 0, r.stderr + r.stdout);
  t.match(r.stdout, /ping left -> right through the tunnel: 3\/3/);
  t.match(r.stdout, /tcp echo through the tunnel: 1048576 of 1048576 bytes back, sha256 match/);
  t.match(r.stdout, /peer left: in \d+ packets/);
  t.match(r.stdout, /ok: the VPN carried ping and TCP; torn down/);
  t.equal(hostState(), before, 'the host’s links and named namespaces are unchanged');
});

t.test('the same VPN in one process: UDP sockets made inside the namespaces with NetNs.run', async (t) => {
  const left = await sandbox(t, { lo: true });
  const right = await sandbox(t, { lo: true });
  await left.nl.link.add({ kind: 'veth', name: 'wan0', up: true, peer: { name: 'wan0', netns: right.ns } });
  await right.nl.link.set('wan0', { up: true });
  await left.nl.addr.add('wan0', '198.18.100.1/30');
  await right.nl.addr.add('wan0', '198.18.100.2/30');
  const ends = [];
  for (const [side, wan, peer, inner] of [[left, '198.18.100.1', '198.18.100.2', '198.19.77.1/24'], [right, '198.18.100.2', '198.18.100.1', '198.19.77.2/24']]) {
    const tun = await Tun.open({ netns: side.ns, name: 'vpn0' });
    t.teardown(() => tun.close());
    await side.nl.link.set('vpn0', { mtu: 1420, up: true });
    await side.nl.addr.add('vpn0', inner);
    const sock = udpSocket(side.ns, wan, 51820); // bound inside the namespace
    sock.on('message', (m) => tun.write(m));
    // Batches, released once sent: send() may keep the bytes past that (when
    // the socket buffer is full), so each packet is copied first.
    const pump = (async () => {
      for await (const batch of tun.batches()) {
        for (const p of batch) sock.send(Buffer.from(p), 51820, peer);
        batch.release();
      }
    })();
    ends.push({ tun, sock, pump });
  }
  const ping = await left.ns.ping('198.19.77.2', { count: 3, interval: 50, timeout: 2000 });
  t.equal(ping.received, 3, 'ping through the tunnel');
  const r = await tcpEcho(right.ns, left.ns, '198.19.77.2', 1 << 20);
  t.equal(r.bytes, 1 << 20);
  t.equal(r.received, r.sent, '1 MiB echoed byte-exact through the tunnel');
  for (const e of ends) e.sock.removeAllListeners('message'); // nothing more for the devices
  for (const e of ends) await e.tun.close();
  await Promise.all(ends.map((e) => e.pump)); // the pumps end with their devices
  for (const e of ends) e.sock.close();
});

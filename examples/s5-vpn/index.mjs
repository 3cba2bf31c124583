#!/usr/bin/env node
// Scenario S5: a point-to-point VPN over UDP between two namespaces.
//
//   left  [vpn0 198.19.77.1/24] --UDP 51820-- wan0 198.18.100.1/30
//                                               | veth (the "internet")
//   right [vpn0 198.19.77.2/24] --UDP 51820-- wan0 198.18.100.2/30
//
// Each side is a Node program (peer.mjs) started inside its namespace with
// ns.spawn: it owns a tun device and a UDP socket and copies packets between
// them. This program builds the namespaces and the underlay, starts both
// peers, proves the tunnel with a ping and a 1 MiB TCP echo checked
// byte-exact (the server made inside `right` with NetNs.run, the client
// inside `left`), and tears everything down.
import { once } from 'node:events';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { netns, open } from 'netloom';

const here = dirname(fileURLToPath(import.meta.url));
const BYTES = 1 << 20;

// Wait for a line starting with `word` on a child's stdout (bounded).
function lineFrom(child, word, ms = 15000) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no ${word} line within ${ms} ms`)), ms);
    const onData = (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.startsWith(word));
      if (line) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(line);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ${word}`)));
  });
}

const namespaces = [];
const handles = [];
const peers = [];
let server;
let ok = false;
try {
  const [left, right] = await Promise.all([netns.create(), netns.create()]);
  namespaces.push(left, right);
  const [nlL, nlR] = await Promise.all([open({ netns: left }), open({ netns: right })]);
  handles.push(nlL, nlR);
  for (const nl of [nlL, nlR]) await nl.link.set('lo', { up: true });

  // The underlay: one veth pair, its far end made directly inside `right`.
  await nlL.link.add({ kind: 'veth', name: 'wan0', up: true, peer: { name: 'wan0', netns: right } });
  await nlR.link.set('wan0', { up: true });
  await nlL.addr.add('wan0', '198.18.100.1/30');
  await nlR.addr.add('wan0', '198.18.100.2/30');

  // The two ends of the VPN, each a program inside its namespace.
  const peer = join(here, 'peer.mjs');
  const sides = [
    [left, ['198.18.100.1', '198.18.100.2', '198.19.77.1/24']],
    [right, ['198.18.100.2', '198.18.100.1', '198.19.77.2/24']],
  ];
  for (const [ns, args] of sides) {
    const child = ns.spawn([process.execPath, peer, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    peers.push(child);
  }
  const ready = await Promise.all(peers.map((c) => lineFrom(c, 'READY')));
  console.log(`peers up: left ${ready[0].split(' ')[1]} 198.19.77.1, right ${ready[1].split(' ')[1]} 198.19.77.2, UDP over 198.18.100.0/30`);

  const ping = await left.ping('198.19.77.2', { count: 3, interval: 100, timeout: 2000 });
  console.log(`ping left -> right through the tunnel: ${ping.received}/${ping.sent}, rtt ${ping.rtts.map((r) => r.toFixed(3)).join(' ')} ms`);

  server = right.run(() => net.createServer((c) => c.pipe(c)).listen(7777));
  await once(server, 'listening');
  const client = left.spawn([process.execPath, join(here, 'tcp-check.mjs'), '198.19.77.2', '7777', String(BYTES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  client.stdout.on('data', (d) => (out += d));
  const [code] = await once(client, 'exit');
  const tcp = code === 0 ? JSON.parse(out) : undefined;
  const exact = tcp !== undefined && tcp.bytes === BYTES && tcp.sent === tcp.received;
  console.log(`tcp echo through the tunnel: ${tcp?.bytes ?? 0} of ${BYTES} bytes back, ${exact ? 'sha256 match' : 'MISMATCH'}`);
  ok = ping.received === 3 && exact;
} finally {
  server?.close();
  for (const child of peers) {
    if (child.exitCode !== null) continue;
    const stats = lineFrom(child, 'STATS', 5000).catch(() => undefined);
    child.kill('SIGTERM');
    const line = await stats;
    if (line) console.log(`peer ${peers.indexOf(child) === 0 ? 'left' : 'right'}: ${line.slice(6)}`);
    if (child.exitCode === null) await once(child, 'exit');
  }
  for (const h of handles) await h.close();
  for (const ns of namespaces) ns.close();
}
console.log(ok ? 'ok: the VPN carried ping and TCP; torn down' : 'FAILED');
process.exit(ok ? 0 : 1);

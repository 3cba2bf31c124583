// Three throwaway namespaces for NAT and filter traffic tests:
//
//   inside (198.18.1.2/24, default via .1) — in0 [router] out0 — outside (198.18.2.2/24)
//
// The router forwards; the outside has no route back to 198.18.1.0/24 unless
// asked (`outsideRoute`), so only NAT lets the inside be answered. TCP peers
// (test/fixtures/tcp-peer.mjs) run inside the namespaces; everything is
// closed and killed when the test ends.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { netns, open, openNft } from '../../dist/index.js';

const PEER = fileURLToPath(new URL('../fixtures/tcp-peer.mjs', import.meta.url));

export async function natNet(t, opts = {}) {
  const [inside, router, outside] = await Promise.all([netns.create(), netns.create(), netns.create()]);
  t.teardown(() => [inside, router, outside].forEach((ns) => ns.close()));
  const [nlI, nlR, nlO] = await Promise.all([open({ netns: inside }), open({ netns: router }), open({ netns: outside })]);
  t.teardown(() => Promise.all([nlI.close(), nlR.close(), nlO.close()]));
  await Promise.all([nlI, nlR, nlO].map((nl) => nl.link.set('lo', { up: true })));
  await router.sysctl.set('net.ipv4.ip_forward', 1);
  await nlI.link.add({ kind: 'veth', name: 'eth0', up: true, peer: { name: 'in0', netns: router, up: true } });
  await nlO.link.add({ kind: 'veth', name: 'eth0', up: true, peer: { name: 'out0', netns: router, up: true } });
  await nlR.addr.add('in0', '198.18.1.1/24');
  await nlR.addr.add('out0', '198.18.2.1/24');
  await nlI.addr.add('eth0', '198.18.1.2/24');
  await nlO.addr.add('eth0', '198.18.2.2/24');
  await nlI.route.add({ dst: 'default', via: '198.18.1.1' });
  if (opts.outsideRoute) await nlO.route.add({ dst: '198.18.1.0/24', via: '198.18.2.1' });
  const nft = await openNft({ netns: router });
  t.teardown(() => nft.close());
  return { inside, router, outside, nlI, nlR, nlO, nft };
}

/** Start a TCP server on `port` inside `ns`; resolves once it listens. Killed at teardown. */
export async function tcpServer(t, ns, port) {
  const child = ns.spawn([process.execPath, PEER, 'listen', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`tcp server exited with ${code}`)));
  });
  return child;
}

/** Connect from inside `ns` to host:port: { ok, peer } where peer is the address the server saw. */
export async function tcpConnect(ns, host, port) {
  const child = ns.spawn([process.execPath, PEER, 'connect', host, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => (out += d));
  const [code] = await once(child, 'exit');
  const [peer] = out.trim().split(' ');
  return { ok: code === 0, peer };
}

// conntrack(8) as an independent witness of a namespace's connection
// tracking table, and a router between two namespaces that NATs a UDP port.
import { execFileSync } from 'node:child_process';
import { openConntrack, openNft } from '../../dist/index.js';
import { topologySandbox } from '../../dist/testing.js';
import { udpSocket } from './tunnet.mjs';

/** `conntrack -L ARGS` inside the namespace: one object per line, its key=value pairs in order (orig first, then reply). */
export function conntrackList(ns, ...args) {
  const out = execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'conntrack', '-L', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const words = line.trim().split(/\s+/);
      const pairs = words.filter((w) => w.includes('=')).map((w) => w.split('='));
      const half = (key, n) => pairs.filter(([k]) => k === key)[n];
      const tuple = (n) => ({ src: half('src', n)?.[1], dst: half('dst', n)?.[1], sport: half('sport', n)?.[1], dport: half('dport', n)?.[1] });
      return { proto: words[0], line, orig: tuple(0), reply: tuple(1), flags: words.filter((w) => /^\[[A-Z_]+\]$/.test(w)) };
    });
}

// bind() inside ns.run() with a synchronous lookup may have emitted
// 'listening' already.
function bound(s) {
  try {
    s.address();
    return Promise.resolve();
  } catch {
    return new Promise((resolve) => s.once('listening', resolve));
  }
}

/**
 * left (198.18.30.2) -- router (198.18.30.1 | 198.18.40.1) -- right (198.18.40.2).
 * The router DNATs udp to 198.18.30.1:5353 to 198.18.40.2:53 and masquerades
 * what leaves towards right. `ct` is a conntrack handle in the router.
 */
export async function natRouter(t) {
  const topo = await topologySandbox(t, {
    name: 'ct-nat',
    namespaces: {
      router: { sysctls: { 'net.ipv4.ip_forward': 1 } },
      left: {
        links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.30.2/24'], peer: { name: 'left0', netns: 'router', addresses: ['198.18.30.1/24'] } }],
        routes: [{ dst: 'default', via: '198.18.30.1' }],
      },
      right: {
        links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.40.2/24'], peer: { name: 'right0', netns: 'router', addresses: ['198.18.40.1/24'] } }],
        routes: [{ dst: 'default', via: '198.18.40.1' }],
      },
    },
  });
  const router = topo.netns('router');
  const nft = await openNft({ netns: router });
  t.teardown(() => nft.close());
  await nft.table.add({ family: 'ip', name: 'ctnat' });
  await nft.chain.add({ family: 'ip', table: 'ctnat', name: 'pre', type: 'nat', hook: 'prerouting', priority: 'dstnat' });
  await nft.chain.add({ family: 'ip', table: 'ctnat', name: 'post', type: 'nat', hook: 'postrouting', priority: 'srcnat' });
  await nft.rule.add({ family: 'ip', table: 'ctnat', chain: 'pre', match: { daddr: '198.18.30.1', proto: 'udp', dport: 5353 }, nat: { dnat: { addr: '198.18.40.2', port: 53 } } });
  await nft.rule.add({ family: 'ip', table: 'ctnat', chain: 'post', match: { oifname: 'right0' }, nat: { masquerade: true } });
  const ct = await openConntrack({ netns: router });
  t.teardown(() => ct.close());
  // An echo server on right:53.
  const server = udpSocket(topo.netns('right'), '198.18.40.2', 53);
  t.teardown(() => server.close());
  server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address));
  await bound(server);
  return { topo, router, left: topo.netns('left'), right: topo.netns('right'), nft, ct };
}

/** One UDP exchange from left:sport to the router's 198.18.30.1:5353 (DNATed to right:53); resolves with the echo. */
export async function udpExchange(t, left, sport) {
  const c = udpSocket(left, '198.18.30.2', sport);
  await bound(c);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no echo from 198.18.30.1:5353 to port ${sport}`)), 3000);
      c.once('message', (m) => {
        clearTimeout(timer);
        resolve(m.toString());
      });
      c.send(`hello ${sport}`, 5353, '198.18.30.1');
    });
  } finally {
    c.close();
  }
}

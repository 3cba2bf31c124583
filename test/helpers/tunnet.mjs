// Two namespaces joined by two tun devices (the shape of the forwarder
// benchmark), and sockets made inside namespaces from this process.
//
// Node creates a socket's fd late (at bind or connect, after a DNS lookup
// that is asynchronous even for an IP literal), so a plain ns.run(() =>
// net.connect(...)) would make it outside. A lookup function that answers
// synchronously makes bind/connect happen inside the run() call.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { Tun } from '../../dist/index.js';
import { sandbox } from './sandbox.mjs';

// IP literals answer for themselves (sends), anything else is `ip` (connect).
const lookupAs = (ip) => (host, opts, cb) => {
  if (typeof opts === 'function') cb = opts;
  const address = net.isIP(host) ? host : ip;
  const family = net.isIP(address);
  if (opts && typeof opts === 'object' && opts.all) cb(null, [{ address, family }]);
  else cb(null, address, family);
};

/** A UDP socket bound to addr:port inside `ns` (port 0: any). */
export function udpSocket(ns, addr, port = 0) {
  const type = net.isIPv6(addr) ? 'udp6' : 'udp4';
  return ns.run(() => {
    const s = dgram.createSocket({ type, lookup: lookupAs(addr) });
    s.bind(port, addr);
    return s;
  });
}

/** A TCP connection from inside `ns` to addr:port. */
export function tcpConnect(ns, addr, port) {
  return ns.run(() => net.connect({ host: 'peer.invalid', port, lookup: lookupAs(addr) }));
}

/** A TCP server listening on every address inside `ns`, on a free port. */
export async function tcpServer(ns, onConnection) {
  const server = ns.run(() => net.createServer(onConnection).listen(0));
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

/**
 * Send `bytes` random bytes from inside `clientNs` to an echo server inside
 * `serverNs` at `addr`, and read them back. Resolves with the SHA-256 of
 * what was sent and of what came back, and the count; bounded by `timeout`.
 */
export async function tcpEcho(serverNs, clientNs, addr, bytes, timeout = 30000) {
  const server = await tcpServer(serverNs, (c) => c.pipe(c));
  const data = randomBytes(bytes);
  const c = tcpConnect(clientNs, addr, server.address().port);
  const back = createHash('sha256');
  let received = 0;
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tcpEcho: ${received} of ${bytes} bytes back after ${timeout} ms`)), timeout);
      c.on('error', reject);
      c.on('data', (d) => {
        back.update(d);
        received += d.length;
      });
      c.on('end', () => {
        clearTimeout(timer);
        resolve();
      });
      c.end(data);
    });
  } finally {
    c.destroy();
    server.close();
  }
  return { sent: createHash('sha256').update(data).digest('hex'), received: back.digest('hex'), bytes: received };
}

/**
 * Namespaces A and B, each with a tun device (tunA 198.18.1.1/24 and
 * 2001:db8:1::1/64, tunB 198.18.2.1/24 and 2001:db8:2::1/64) routed to the
 * other side. Forwarding between the devices is the test's business.
 */
export async function tunPair(t, { a = {}, b = {} } = {}) {
  const A = await sandbox(t, { lo: true });
  const B = await sandbox(t, { lo: true });
  const tunA = await Tun.open({ netns: A.ns, name: 'tunA', ...a });
  t.teardown(() => tunA.close());
  const tunB = await Tun.open({ netns: B.ns, name: 'tunB', ...b });
  t.teardown(() => tunB.close());
  for (const [side, name, n, peer] of [[A, 'tunA', 1, 2], [B, 'tunB', 2, 1]]) {
    await side.nl.addr.add(name, `198.18.${n}.1/24`);
    await side.nl.addr.add(name, `2001:db8:${n}::1/64`, { nodad: true });
    await side.nl.link.set(name, { up: true });
    await side.nl.route.add({ dst: `198.18.${peer}.0/24`, dev: name });
    await side.nl.route.add({ dst: `2001:db8:${peer}::/64`, dev: name });
  }
  return { A, B, tunA, tunB };
}

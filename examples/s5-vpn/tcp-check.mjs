#!/usr/bin/env node
// Send BYTES random bytes to an echo server at HOST:PORT and read them back;
// print what was sent and what came back as JSON (byte count and SHA-256).
// index.mjs runs it inside one end of the VPN.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

const [host, port, bytes] = process.argv.slice(2);
const data = randomBytes(Number(bytes));
const back = createHash('sha256');
let received = 0;
const c = net.connect({ host, port: Number(port) }, () => c.end(data));
c.setTimeout(20000, () => c.destroy(new Error('timeout')));
c.on('data', (d) => {
  back.update(d);
  received += d.length;
});
c.on('error', (e) => {
  console.error(e.message);
  process.exit(1);
});
c.on('end', () => {
  console.log(JSON.stringify({ bytes: received, sent: createHash('sha256').update(data).digest('hex'), received: back.digest('hex') }));
});

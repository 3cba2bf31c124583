// The resident way: `netloom-cni daemon` in the host namespace and
// netloom-cni-shim as the executable a runtime runs. The same invocations
// give the same results as the one-shot executable, concurrently; without a
// daemon the shim answers the spec's "try again later" (code 11); a
// malformed request is refused. The daemon is killed at the end of each test.
import t from 'tap';
import { once } from 'node:events';
import { join } from 'node:path';
import { cniShimPath } from '../../dist/netlink/native.js';
import { NETLOOM_CNI, bridgeConf, cniHost, runCni } from '../helpers/cni.mjs';

async function daemon(t, host, dataDir) {
  const socket = join(dataDir, 'cni.sock');
  const child = host.spawn([process.execPath, NETLOOM_CNI, 'daemon', '--socket', socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill('SIGKILL'));
  child.stdout.setEncoding('utf8');
  let out = '';
  while (!out.includes('listening')) {
    const [d] = await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => ['exited'])]);
    if (d === 'exited') throw new Error('the daemon exited');
    out += d;
  }
  return socket;
}

t.test('through the shim and the daemon: ADD, CHECK, DEL as the one-shot plugin does them', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const socket = await daemon(t, host, dataDir);
  const env = { NETLOOM_CNI_SOCKET: socket };
  const conf = bridgeConf('netloom-bridge', dataDir);
  const c = await container();
  const add = await runCni(host, cniShimPath, 'ADD', conf, { container: c, env });
  t.equal(add.code, 0, add.stdout + add.stderr);
  t.match(add.result, { cniVersion: '1.0.0', interfaces: [{ name: 'cni0' }, { name: /^veth/ }, { name: 'eth0' }], ips: [{ address: '198.18.50.2/24', gateway: '198.18.50.1', interface: 2 }] });
  t.equal((await c.ping('198.18.50.1', { count: 1, timeout: 2000 })).received, 1, 'the container pings its gateway');
  const chk = await runCni(host, cniShimPath, 'CHECK', { ...conf, prevResult: add.result }, { container: c, env });
  t.equal(chk.code, 0, `CHECK ${chk.stdout}`);
  const bad = await runCni(host, cniShimPath, 'ADD', { ...conf, mtu: 70000 }, { container: c, env, id: 'x' });
  t.match(bad, { code: 1, result: { code: 7, msg: /mtu: must be an integer 68\.\.65535/ } }, 'errors come back with their code and exit status');
  t.equal((await runCni(host, cniShimPath, 'DEL', conf, { container: c, env })).code, 0, 'DEL');
  t.equal((await runCni(host, cniShimPath, 'DEL', conf, { container: c, env })).code, 0, 'DEL again');
  const v = await runCni(host, cniShimPath, 'VERSION', { cniVersion: '1.0.0' }, { env });
  t.same(v.result.supportedVersions, ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']);
});

t.test('20 concurrent ADDs through one daemon: 20 distinct addresses, then 20 DELs', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const socket = await daemon(t, host, dataDir);
  const env = { NETLOOM_CNI_SOCKET: socket };
  const conf = bridgeConf('netloom-bridge', dataDir, { ipam: { type: 'netloom-ipam', subnet: '198.18.51.0/24', dataDir } });
  const cs = [];
  for (let i = 0; i < 20; i++) cs.push(await container());
  const adds = await Promise.all(cs.map((c, i) => runCni(host, cniShimPath, 'ADD', conf, { container: c, id: `d${i}`, env })));
  t.same(adds.filter((r) => r.code !== 0).map((r) => r.stdout), []);
  t.equal(new Set(adds.map((r) => r.result.ips[0].address)).size, 20);
  const dels = await Promise.all(cs.map((c, i) => runCni(host, cniShimPath, 'DEL', conf, { container: c, id: `d${i}`, env })));
  t.equal(dels.filter((r) => r.code !== 0).length, 0);
});

t.test('a second daemon on the same socket refuses to start; the first keeps serving', async (t) => {
  const { host, dataDir } = await cniHost(t);
  const socket = await daemon(t, host, dataDir);
  const second = await host.exec([process.execPath, NETLOOM_CNI, 'daemon', '--socket', socket], { timeout: 10000 });
  t.not(second.code, 0);
  t.match(second.stderr, /another daemon already listens on/);
  const v = await runCni(host, cniShimPath, 'VERSION', { cniVersion: '1.0.0' }, { env: { NETLOOM_CNI_SOCKET: socket } });
  t.equal(v.code, 0, 'the first one still answers');
});

t.test('no daemon: the shim answers "try again later"', async (t) => {
  const { host, dataDir } = await cniHost(t);
  const r = await runCni(host, cniShimPath, 'ADD', bridgeConf('netloom-bridge', dataDir), { container: '/proc/self/ns/net', env: { NETLOOM_CNI_SOCKET: join(dataDir, 'none.sock') } });
  t.equal(r.code, 1);
  t.match(r.result, { code: 11, msg: /the netloom CNI daemon is not running at .*none\.sock/ });
});

t.test('a malformed request gets the decoding-failure error object', async (t) => {
  const { host, dataDir } = await cniHost(t);
  const socket = await daemon(t, host, dataDir);
  const { connect } = await import('node:net');
  const conn = connect(socket);
  conn.end(Buffer.from([1, 2, 3]));
  const chunks = [];
  for await (const c of conn) chunks.push(c);
  const all = Buffer.concat(chunks);
  t.equal(all.readUInt32LE(0), 1, 'exit code 1');
  t.match(JSON.parse(all.subarray(8).toString()), { code: 6, msg: /malformed request/ });
});

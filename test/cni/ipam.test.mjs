// netloom-ipam against the reference host-local: the same configuration
// hands out the same addresses in the same order with the same lease files;
// either plugin continues from the other's leases; exclude; 30 concurrent
// ADDs under the directory lock; and netloom-bridge with netloom-ipam in one
// process.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NETLOOM_CNI, REF_DIR, cniHost, runCni } from '../helpers/cni.mjs';

const conf = (type, dataDir, ipam = {}) => ({
  cniVersion: '1.0.0',
  name: 'ipamnet',
  type,
  ipam: { type, dataDir, ranges: [[{ subnet: '198.18.70.0/24', rangeStart: '198.18.70.10', rangeEnd: '198.18.70.14', gateway: '198.18.70.10' }], [{ subnet: '2001:db8:70::/64' }]], routes: [{ dst: '0.0.0.0/0' }], ...ipam },
});
const ipamOf = (type) => (type === 'host-local' ? `${REF_DIR}/host-local` : NETLOOM_CNI);
const files = (dir) => Object.fromEntries(readdirSync(join(dir, 'ipamnet')).filter((f) => f !== 'lock').sort().map((f) => [f, readFileSync(join(dir, 'ipamnet', f), 'utf8')]));

t.test('the same addresses, in the same order, with the same lease files as host-local', async (t) => {
  const out = {};
  for (const type of ['host-local', 'netloom-ipam']) {
    const { host, dataDir, container } = await cniHost(t);
    const c = await container();
    const got = [];
    for (let i = 0; i < 5; i++) {
      const r = await runCni(host, ipamOf(type), 'ADD', conf(type, dataDir), { container: c, id: `c${i}` });
      got.push(r.code === 0 ? r.result : { exhausted: /no (IP )?address(es)? (left|available)/.test(r.result?.msg ?? '') });
    }
    await runCni(host, ipamOf(type), 'DEL', conf(type, dataDir), { container: c, id: 'c1' });
    const again = await runCni(host, ipamOf(type), 'ADD', conf(type, dataDir), { container: c, id: 'c9' });
    out[type] = { got, again: again.result, files: files(dataDir) };
  }
  t.match(out['host-local'].got[0].ips, [{ address: '198.18.70.11/24', gateway: '198.18.70.10' }, { address: '2001:db8:70::2/64', gateway: '2001:db8:70::1' }], 'host-local as expected');
  t.same(out['netloom-ipam'].got.map((r) => r.ips ?? r), out['host-local'].got.map((r) => r.ips ?? r), 'the same addresses (and the same exhaustion)');
  t.same(out['netloom-ipam'].got[0].routes, out['host-local'].got[0].routes, 'routes');
  t.same(out['netloom-ipam'].again.ips, out['host-local'].again.ips, 'after a DEL, the next address as host-local picks it');
  t.same(out['netloom-ipam'].files, out['host-local'].files, 'byte-identical lease files');
});

t.test('each continues from the other’s leases; DEL releases the other’s', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const a = await runCni(host, ipamOf('host-local'), 'ADD', conf('host-local', dataDir), { container: c, id: 'a' });
  const b = await runCni(host, NETLOOM_CNI, 'ADD', conf('netloom-ipam', dataDir), { container: c, id: 'b' });
  const d = await runCni(host, ipamOf('host-local'), 'ADD', conf('host-local', dataDir), { container: c, id: 'd' });
  t.same([a, b, d].map((r) => r.result.ips[0].address), ['198.18.70.11/24', '198.18.70.12/24', '198.18.70.13/24']);
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf('netloom-ipam', dataDir), { container: c, id: 'a' })).code, 0);
  t.notOk(Object.keys(files(dataDir)).includes('198.18.70.11'), "netloom-ipam released host-local's lease");
  t.equal((await runCni(host, NETLOOM_CNI, 'CHECK', conf('netloom-ipam', dataDir), { container: c, id: 'd' })).code, 0, "CHECK finds host-local's lease");
  const missing = await runCni(host, NETLOOM_CNI, 'CHECK', conf('netloom-ipam', dataDir), { container: c, id: 'zz' });
  t.match(missing.result, { code: 3, msg: /no address is leased to zz\/eth0/ });
});

t.test('exclude, bad configurations', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const ex = conf('netloom-ipam', dataDir, { ranges: [[{ subnet: '198.18.71.0/29' }]], exclude: ['198.18.71.2', '198.18.71.4/31'] });
  const got = [];
  for (const id of ['x', 'y']) got.push((await runCni(host, NETLOOM_CNI, 'ADD', ex, { container: c, id })).result.ips[0].address);
  t.same(got, ['198.18.71.3/29', '198.18.71.6/29'], '.1 gateway, .2 and .4-.5 excluded');
  for (const [ipam, msg] of [
    [{ ranges: [[{ subnet: '198.18.72.1/24' }]] }, /ipam\.ranges\[0\]\[0\]\.subnet: 198\.18\.72\.1\/24 has host bits set/],
    [{ ranges: [[{ subnet: '198.18.72.0/24', rangeStart: '198.18.73.1' }]] }, /rangeStart: 198\.18\.73\.1 is not in 198\.18\.72\.0\/24/],
    [{ ranges: [] }, /ipam\.ranges: must be a non-empty list/],
    [{ dataDir: 'relative' }, /ipam\.dataDir: must be an absolute path/],
  ]) {
    const r = await runCni(host, NETLOOM_CNI, 'ADD', conf('netloom-ipam', dataDir, ipam), { container: c, id: 'bad' });
    t.match(r.result, { code: 7, msg }, msg.source);
  }
});

t.test('30 concurrent ADDs under the lock: 30 distinct addresses', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const big = conf('netloom-ipam', dataDir, { ranges: [[{ subnet: '198.18.74.0/24' }]] });
  const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => runCni(host, NETLOOM_CNI, 'ADD', big, { container: c, id: `p${i}` })));
  t.equal(rs.filter((r) => r.code === 0).length, 30);
  t.equal(new Set(rs.map((r) => r.result.ips[0].address)).size, 30, 'distinct');
});

t.test('netloom-bridge with netloom-ipam: one process, the container pings its gateway', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const br = { cniVersion: '1.0.0', name: 'ipamnet', type: 'netloom-bridge', bridge: 'cni0', isGateway: true, ipam: { type: 'netloom-ipam', dataDir, subnet: '198.18.75.0/24' } };
  const r = await runCni(host, NETLOOM_CNI, 'ADD', br, { container: c, env: { CNI_PATH: '/nonexistent' } });
  t.equal(r.code, 0, r.stdout);
  t.equal(r.result.ips[0].address, '198.18.75.2/24');
  t.equal((await c.ping('198.18.75.1', { count: 1, timeout: 2000 })).received, 1);
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', br, { container: c, env: { CNI_PATH: '/nonexistent' } })).code, 0);
  t.same(Object.keys(files(dataDir)).filter((f) => !f.startsWith('last_')), [], 'lease released');
});

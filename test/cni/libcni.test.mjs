// netloom-bridge driven by a real client: cnitool, libcni's command line
// (libcni is the library of containerd and CRI-O too), built by
// tools/cnitool/build.sh from Debian's source package, with a conflist in a
// directory of its own, CNI_PATH holding netloom-bridge (a link to
// netloom-cni) and the reference plugins, and libcni's result cache (which
// CHECK reads prevResult from, kept in the test's directory: see
// cnitoolArgv; cnitool names the container after its netns
// path). Chained: netloom-bridge first, then the reference `tuning` plugin,
// which gets netloom-bridge's result as prevResult.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from '../../dist/index.js';
import { ipJson } from '../helpers/sandbox.mjs';
import { NETLOOM_CNI, REF_DIR, cniHost, cnitoolArgv, nsPath } from '../helpers/cni.mjs';

const root = mkdtempSync(join(tmpdir(), 'netloom-libcni-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const cnitool = join(root, 'cnitool');
execFileSync('sh', [new URL('../../tools/cnitool/build.sh', import.meta.url).pathname, cnitool], { stdio: 'inherit' });
const bin = join(root, 'bin');
mkdirSync(bin);
symlinkSync(NETLOOM_CNI, join(bin, 'netloom-bridge'));

function setup(t, dataDir, plugins) {
  const dir = mkdtempSync(join(root, 'net-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf', '10-testnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'testnet', plugins }));
  const env = { PATH: process.env.PATH, NETCONFPATH: join(dir, 'conf'), CNI_PATH: `${bin}:${REF_DIR}`, CNI_IFNAME: 'eth0' };
  return (host, cmd, c) => host.exec(cnitoolArgv(cnitool, join(root, 'var-lib'), cmd, 'testnet', typeof c === 'string' ? c : nsPath(c)), { env, timeout: 60000 });
}

const bridge = (dataDir) => ({ type: 'netloom-bridge', bridge: 'cni0', isGateway: true, isDefaultGateway: true, ipam: { type: 'host-local', subnet: '198.18.60.0/24', dataDir } });

t.test('libcni add, check, del: the spec behaviours through a real client', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const run = setup(t, dataDir, [bridge(dataDir)]);
  const add = await run(host, 'add', c);
  t.equal(add.code, 0, add.stderr);
  const result = JSON.parse(add.stdout);
  t.match(result, { cniVersion: '1.0.0', interfaces: [{ name: 'cni0' }, { name: /^veth[0-9a-f]{8}$/ }, { name: 'eth0', sandbox: nsPath(c) }], ips: [{ address: /^198\.18\.60\.\d+\/24$/, gateway: '198.18.60.1', interface: 2 }] });
  t.equal((await c.ping('198.18.60.1', { count: 1, timeout: 2000 })).received, 1, 'the container pings its gateway');
  t.match(ipJson(c, 'route', 'show', 'default')[0], { gateway: '198.18.60.1', dev: 'eth0' }, 'default route via the gateway');
  const check = await run(host, 'check', c);
  t.equal(check.code, 0, `CHECK passes (prevResult from libcni's cache): ${check.stderr}`);
  const nl = await open({ netns: c });
  await nl.link.del('eth0');
  await nl.close();
  const bad = await run(host, 'check', c);
  t.equal(bad.code, 1, 'CHECK fails after the interface is removed by hand');
  t.match(bad.stderr, /interface eth0 is missing/);
  t.equal((await run(host, 'del', c)).code, 0, 'DEL');
  t.equal((await run(host, 'del', c)).code, 0, 'DEL again');
  const c2 = await container();
  const path = nsPath(c2);
  t.equal((await run(host, 'add', c2)).code, 0, 'ADD of another container');
  c2.close(); // its namespace goes, and its eth0 with it
  const gone = await run(host, 'del', path);
  t.equal(gone.code, 0, `DEL of it with the namespace gone: ${gone.stderr}`);
});

t.test('chained: netloom-bridge, then the reference tuning plugin with its prevResult', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const run = setup(t, dataDir, [bridge(dataDir), { type: 'tuning', mtu: 1300 }]);
  const add = await run(host, 'add', c);
  t.equal(add.code, 0, add.stderr);
  const result = JSON.parse(add.stdout);
  t.equal(result.interfaces.length, 3, "tuning passed netloom-bridge's result on");
  t.equal(ipJson(c, 'link', 'show', 'dev', 'eth0')[0].mtu, 1300, 'and tuned the interface netloom-bridge made');
  t.equal((await run(host, 'check', c)).code, 0, 'CHECK of the chain');
  t.equal((await run(host, 'del', c)).code, 0, 'DEL of the chain');
});

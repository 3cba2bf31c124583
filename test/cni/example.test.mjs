// examples/cni-plugin.mjs, a chained plugin written on netloom/cni, run by
// cnitool (libcni) after netloom-bridge: it writes its sysctl inside the container,
// passes the result on, and CHECK reads the sysctl back.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NETLOOM_CNI, REF_DIR, cniHost, cnitoolArgv, nsPath } from '../helpers/cni.mjs';

t.test('examples/cni-plugin.mjs chained after netloom-bridge, through cnitool', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'netloom-cni-example-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  execFileSync('sh', [fileURLToPath(new URL('../../tools/cnitool/build.sh', import.meta.url)), join(root, 'cnitool')]);
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'conf'));
  symlinkSync(NETLOOM_CNI, join(root, 'bin', 'netloom-bridge'));
  symlinkSync(fileURLToPath(new URL('../../examples/cni-plugin.mjs', import.meta.url)), join(root, 'bin', 'netloom-example-sysctl'));
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  writeFileSync(
    join(root, 'conf', 'net.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: 'examplenet',
      plugins: [
        { type: 'netloom-bridge', bridge: 'cni0', isGateway: true, ipam: { type: 'netloom-ipam', subnet: '198.18.90.0/24', dataDir } },
        { type: 'netloom-example-sysctl', sysctls: { 'net.ipv4.conf.all.rp_filter': 2 } },
      ],
    }),
  );
  const env = { PATH: process.env.PATH, NETCONFPATH: join(root, 'conf'), CNI_PATH: `${join(root, 'bin')}:${REF_DIR}` };
  const run = (cmd) => host.exec(cnitoolArgv(join(root, 'cnitool'), join(root, 'var-lib'), cmd, 'examplenet', nsPath(c)), { env, timeout: 60000 });
  const add = await run('add');
  t.equal(add.code, 0, add.stderr);
  t.equal(JSON.parse(add.stdout).interfaces.length, 3, "the bridge's result passed on");
  t.equal(await c.sysctl.get('net.ipv4.conf.all.rp_filter'), '2', 'the sysctl written inside the container');
  t.equal((await run('check')).code, 0, 'CHECK');
  await c.sysctl.set('net.ipv4.conf.all.rp_filter', 0);
  const bad = await run('check');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /net\.ipv4\.conf\.all\.rp_filter is 0, not 2/);
  t.equal((await run('del')).code, 0, 'DEL');
});

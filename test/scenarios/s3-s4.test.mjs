// Scenarios S3 (container wiring as Docker does it) and S4 (a router
// namespace): the examples run as programs, and each scenario built here with
// independent witnesses, proven by ping, cleaned up.
import t from 'tap';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { netns, open } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

const example = (name) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

t.test('examples/s3-container.mjs and s4-router.mjs run and ping', async (t) => {
  const s3 = spawnSync(process.execPath, [example('s3-container.mjs')], { encoding: 'utf8', timeout: 60000 });
  t.equal(s3.status, 0, s3.stderr);
  t.match(s3.stdout, /container -> docker0: 2\/2/);
  t.match(s3.stdout, /container eth0@if\d+ is the host's veth1 \(link-netnsid \d+\)/);
  const s4 = spawnSync(process.execPath, [example('s4-router.mjs')], { encoding: 'utf8', timeout: 60000 });
  t.equal(s4.status, 0, s4.stderr);
  t.match(s4.stdout, /left -> right through the router: 2\/2/);
});

t.test('S3: a container found by PID, its eth0 made in place, found back from the host', async (t) => {
  const { ns: host, nl } = await sandbox(t, { lo: true });
  const container = spawn('unshare', ['--net', 'sleep', '30'], { stdio: 'ignore' });
  t.teardown(() => container.kill('SIGKILL'));
  const self = netns.current();
  t.teardown(() => self.close());
  let cns;
  for (let i = 0; i < 200 && !cns; i++) {
    const c = await netns.open({ pid: container.pid });
    if (!c.equals(self)) cns = c;
    else {
      c.close();
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  t.ok(cns, 'the container has its own namespace');
  t.teardown(() => cns.close());
  await nl.link.add({ kind: 'bridge', name: 'docker0', up: true });
  await nl.addr.add('docker0', '198.18.3.1/24');
  await nl.link.add({ kind: 'veth', name: 'veth1', mtu: 1500, master: 'docker0', up: true, peer: { name: 'eth0', mtu: 1500, netns: { pid: container.pid }, up: true } });
  const inner = await open({ netns: cns });
  t.teardown(() => inner.close());
  await inner.addr.add('eth0', '198.18.3.2/24');
  await inner.route.add({ dst: 'default', via: '198.18.3.1' });
  // Witness inside the container, by PID, with iproute2.
  const inside = (...args) => JSON.parse(execFileSync('nsenter', ['-t', String(container.pid), '-n', 'ip', '-j', ...args], { encoding: 'utf8' }));
  const eth0 = inside('-d', 'link', 'show', 'eth0')[0];
  t.equal(eth0.linkinfo.info_kind, 'veth', 'eth0 is a veth, made inside the container');
  t.ok(eth0.flags.includes('UP'));
  t.same(inside('route', 'show', 'default').map((r) => r.gateway), ['198.18.3.1'], 'default route via the bridge');
  const r = await cns.ping('198.18.3.1', { count: 2, interval: 50, timeout: 3000 });
  t.ok(r.received >= 1, `container -> docker0: ${r.received}/${r.sent}`);
  // From the host: the container's veth by peer index, and its namespace id.
  const hostVeth = ipJson(host, 'link', 'show', 'veth1')[0];
  t.equal(eth0.link_index, hostVeth.ifindex, 'ip shows eth0@ifN with N the host veth');
  const viaNetloom = (await nl.link.list()).find((l) => l.ifindex === (0, eth0.link_index));
  t.equal(viaNetloom?.name, 'veth1', 'netloom finds the same host end');
  t.equal((await nl.link.get('veth1')).linkNetnsid, hostVeth.link_netnsid, 'and the same link-netnsid');
});

t.test('S4: forwarding between two networks through a router namespace', async (t) => {
  const { ns: router, nl: nlX } = await sandbox(t, { lo: true });
  const left = await netns.create();
  const right = await netns.create();
  t.teardown(() => {
    left.close();
    right.close();
  });
  const nlL = await open({ netns: left });
  const nlR = await open({ netns: right });
  t.teardown(async () => {
    await nlL.close();
    await nlR.close();
  });
  await nlL.link.add({ kind: 'veth', name: 'eth0', up: true, peer: { name: 'left0', netns: router, up: true } });
  await nlR.link.add({ kind: 'veth', name: 'eth0', up: true, peer: { name: 'right0', netns: router, up: true } });
  await nlX.addr.add('left0', '198.18.10.1/24');
  await nlX.addr.add('right0', '198.18.20.1/24');
  await nlL.addr.add('eth0', '198.18.10.2/24');
  await nlR.addr.add('eth0', '198.18.20.2/24');
  await nlL.route.add({ dst: 'default', via: '198.18.10.1' });
  await nlR.route.add({ dst: 'default', via: '198.18.20.1' });
  const blocked = await left.ping('198.18.20.2', { count: 1, timeout: 500 });
  t.equal(blocked.received, 0, 'without forwarding, nothing crosses');
  await router.sysctl.set('net.ipv4.ip_forward', 1);
  t.equal(execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${router.fd}`, 'sysctl', '-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim(), '1', 'sysctl inside the router agrees');
  const p = await left.ping('198.18.20.2', { count: 2, interval: 50, timeout: 3000 });
  t.ok(p.received >= 1, `left -> right through the router: ${p.received}/${p.sent}`);
  const routes = ipJson(router, 'route').map((r) => r.dst).sort();
  t.same(routes, ['198.18.10.0/24', '198.18.20.0/24'], 'the router knows both networks');
});

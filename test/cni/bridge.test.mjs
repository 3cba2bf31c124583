// netloom-bridge against the reference `bridge` plugin (Debian's
// containernetworking-plugins), both with the reference host-local IPAM:
// the same configuration leaves the same kernel state (links, addresses,
// routes, bridge ports, as `ip -j -d` and `bridge -j` see them, names and
// MACs aside; with the sysctls it sets on the container interface) and
// returns an equivalent result. Then the spec's behaviours:
// ADD then CHECK passes, CHECK fails once the interface is removed by hand,
// DEL twice, DEL with the namespace gone and DEL without ADD all succeed.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { open } from '../../dist/index.js';
import { ipJson, sysClassNet } from '../helpers/sandbox.mjs';
import { NETLOOM_CNI, REF_DIR, bridgeConf, cniHost, runCni } from '../helpers/cni.mjs';

/** A sysctl as `cat` reads it inside the namespace (not through netloom). */
const sysctlIn = (ns, name) => execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'cat', `/proc/sys/net/${name}`], { encoding: 'utf8' }).trim();

/** What the kernel has after an ADD, names of random host veths and MACs left out. */
function state(host, container) {
  const links = ipJson(host, '-d', 'link', 'show');
  const brName = links.find((l) => l.linkinfo?.info_kind === 'bridge').ifname;
  const br = links.find((l) => l.ifname === brName);
  const ports = links.filter((l) => l.master === brName);
  const c = ipJson(container, '-d', 'link', 'show', 'dev', 'eth0')[0];
  return {
    bridge: { kind: br.linkinfo.info_kind, up: br.flags.includes('UP'), mtu: br.mtu, promisc: br.flags.includes('PROMISC') },
    bridge_name: brName,
    // 3: NET_ADDR_SET, the MAC pinned (it does not follow the ports'); no router advertisements taken.
    bridgeMacAssign: sysClassNet(host, `${brName}/addr_assign_type`),
    bridgeAcceptRa: sysctlIn(host, `ipv6/conf/${brName}/accept_ra`),
    bridgeAddrs: ipJson(host, 'addr', 'show', 'dev', brName)[0].addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    ports: ports.map((p) => ({ kind: p.linkinfo.info_kind, up: p.flags.includes('UP'), mtu: p.mtu, txqlen: p.txqlen ?? 0, hairpin: p.linkinfo.info_slave_data?.hairpin, peerIsEth0: p.link === 'eth0' || p.link_index === c.ifindex })),
    container: { kind: c.linkinfo.info_kind, up: c.flags.includes('UP'), mtu: c.mtu, txqlen: c.txqlen ?? 0 },
    containerAddrs: ipJson(container, 'addr', 'show', 'dev', 'eth0')[0].addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen} brd ${a.broadcast ?? '-'}`),
    containerSysctls: Object.fromEntries(['ipv6/conf/eth0/accept_dad', 'ipv6/conf/eth0/enhanced_dad', 'ipv4/conf/eth0/arp_notify'].map((k) => [k, sysctlIn(container, k)])),
    containerRoutes: ipJson(container, 'route', 'show').map((r) => `${r.dst} ${r.gateway ?? ''} ${r.dev}`).sort(),
  };
}

/** A result with the names of random host veths, MACs and the sandbox path made comparable. */
const shape = (r) => ({ ...r, interfaces: r.interfaces.map((i, n) => ({ ...i, name: n === 1 ? 'veth*' : i.name, mac: /^[0-9a-f:]{17}$/.test(i.mac) ? 'mac' : i.mac, ...(i.sandbox ? { sandbox: 'netns' } : {}) })) });

for (const extra of [{}, { mtu: 1400, hairpinMode: true }, { promiscMode: true, bridge: 'br-test', enabledad: true }, { isDefaultGateway: true, ipam: undefined }]) {
  const label = JSON.stringify(extra);
  t.test(`same state and result as the reference bridge plugin: ${label}`, async (t) => {
    const results = {};
    const states = {};
    for (const [who, bin, type] of [['reference', `${REF_DIR}/bridge`, 'bridge'], ['netloom', NETLOOM_CNI, 'netloom-bridge']]) {
      const { host, dataDir, container } = await cniHost(t);
      const c = await container();
      const conf = bridgeConf(type, dataDir, extra);
      if (extra.ipam === undefined && 'ipam' in extra) conf.ipam = { type: 'host-local', subnet: '198.18.50.0/24', dataDir };
      const r = await runCni(host, bin, 'ADD', conf, { container: c });
      t.equal(r.code, 0, `${who} ADD: ${r.stdout}${r.stderr}`);
      results[who] = shape(r.result);
      states[who] = state(host, c);
      const d = await runCni(host, bin, 'DEL', conf, { container: c });
      t.equal(d.code, 0, `${who} DEL`);
      t.same(ipJson(c, 'link', 'show').map((l) => l.ifname), ['lo'], `${who}: the container has only lo after DEL`);
    }
    t.same(states.netloom, states.reference, 'the same kernel state');
    t.same(results.netloom, results.reference, 'an equivalent result');
  });
}

t.test("the bridge's MAC stays put as ports come and go, on a bridge made by the plugin and on one made before", async (t) => {
  for (const before of [false, true]) {
    const { host, dataDir, container } = await cniHost(t);
    if (before) {
      const nl = await open({ netns: host });
      await nl.link.add({ kind: 'bridge', name: 'cni0' });
      await nl.close();
    }
    const conf = bridgeConf('netloom-bridge', dataDir);
    const cs = [await container(), await container(), await container()];
    const macs = [];
    for (const [i, c] of cs.entries()) {
      t.equal((await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: c, id: `c${i}` })).code, 0, `ADD c${i}`);
      macs.push(ipJson(host, 'link', 'show', 'dev', 'cni0')[0].address);
    }
    for (const [i, c] of cs.entries()) {
      t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: c, id: `c${i}` })).code, 0, `DEL c${i}`);
      macs.push(ipJson(host, 'link', 'show', 'dev', 'cni0')[0].address);
    }
    t.equal(new Set(macs).size, 1, `${before ? 'an existing' : 'a new'} bridge kept one MAC through 3 ADDs and 3 DELs: ${macs.join(' ')}`);
    t.equal(sysClassNet(host, 'cni0/addr_assign_type'), '3', 'the kernel has it as set (NET_ADDR_SET)');
  }
});

t.test('ADD then CHECK passes; CHECK fails after the interface is removed by hand', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const conf = bridgeConf('netloom-bridge', dataDir);
  const add = await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: c });
  t.equal(add.code, 0, add.stdout);
  t.equal((await c.ping('198.18.50.1', { count: 1, timeout: 2000 })).received, 1, 'the container pings its gateway');
  const withPrev = { ...conf, prevResult: add.result };
  t.equal((await runCni(host, NETLOOM_CNI, 'CHECK', withPrev, { container: c })).code, 0, 'CHECK passes');
  const nl = await open({ netns: c });
  await nl.link.del('eth0');
  await nl.close();
  const bad = await runCni(host, NETLOOM_CNI, 'CHECK', withPrev, { container: c });
  t.equal(bad.code, 1, 'CHECK fails');
  t.match(bad.result, { cniVersion: '1.0.0', code: 5, msg: /interface eth0 is missing from the container's namespace/ });
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: c })).code, 0, 'DEL after a hand removal');
});

t.test('DEL is idempotent: twice, with the namespace gone, and without any ADD', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const conf = bridgeConf('netloom-bridge', dataDir);
  t.equal((await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: c })).code, 0);
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: c })).code, 0, 'DEL');
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: c })).code, 0, 'DEL again');
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: '/proc/self/ns/nonexistent' })).code, 0, 'DEL with the namespace gone');
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { id: 'never-added' })).code, 0, 'DEL of a container never added (no CNI_NETNS)');
  const c2 = await container();
  t.equal((await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: c2, id: 'c2' })).code, 0);
  c2.close(); // the container's namespace goes away (its eth0 with it)
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: `/proc/${process.pid}/fd/999999`, id: 'c2' })).code, 0, 'DEL after the namespace vanished');
  t.same(ipJson(host, 'link', 'show', 'master', 'cni0'), [], 'no ports left on the bridge');
});

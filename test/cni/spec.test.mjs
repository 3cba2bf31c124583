// netloom-cni and the CNI specification: VERSION, the error object with its
// well-known codes and a message naming the variable or field, results in
// the form older runtimes read (0.3.1), STATUS and GC (1.1.0, handed on to
// the IPAM when it speaks 1.1.0), ipMasq
// through nf_tables (witnessed by nft), and 50 concurrent ADDs through the
// reference host-local IPAM: 50 distinct addresses, every container pings
// its gateway.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { nftRuleset } from '../helpers/nft.mjs';
import { NETLOOM_CNI, bridgeConf, cniHost, runCni } from '../helpers/cni.mjs';

t.test('VERSION lists every version spoken', async (t) => {
  const { host } = await cniHost(t);
  const r = await runCni(host, NETLOOM_CNI, 'VERSION', { cniVersion: '1.1.0' });
  t.equal(r.code, 0);
  t.same(r.result, { cniVersion: '1.1.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
});

t.test('errors: the spec object, its code, the field named', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const good = bridgeConf('netloom-bridge', dataDir);
  const cases = [
    ['bad JSON', 'ADD', '{ not json', {}, 6, /network configuration: not JSON/],
    ['version', 'ADD', { ...good, cniVersion: '9.9.9' }, {}, 1, /cniVersion: "9\.9\.9" is not supported/],
    ['CHECK on 0.3.1', 'CHECK', { ...good, cniVersion: '0.3.1' }, {}, 1, /CHECK needs cniVersion 0\.4\.0/],
    ['GC on 1.0.0', 'GC', good, {}, 1, /GC needs cniVersion 1\.1\.0/],
    ['no command', '', good, {}, 4, /CNI_COMMAND: is not set/],
    ['bad command', 'FROB', good, {}, 4, /CNI_COMMAND: must be one of/],
    ['bad container id', 'ADD', good, { id: '-x' }, 4, /CNI_CONTAINERID: must be letters/],
    ['bad ifname', 'ADD', good, { ifname: 'a-very-long-ifname' }, 4, /CNI_IFNAME: not an interface name/],
    ['no netns', 'ADD', good, { container: '' }, 4, /CNI_NETNS: is not set/],
    ['bad netns', 'ADD', good, { container: '/nonexistent' }, 4, /CNI_NETNS: cannot open \/nonexistent/],
    ['mtu', 'ADD', { ...good, mtu: 70000 }, {}, 7, /mtu: must be an integer 68\.\.65535, got 70000/],
    ['unsupported', 'ADD', { ...good, vlan: 10 }, {}, 2, /vlan: netloom-bridge does not support it yet/],
    ['no ipam', 'ADD', { ...good, ipam: undefined }, {}, 7, /ipam: is required/],
    ['unknown ipam plugin', 'ADD', { ...good, ipam: { type: 'no-such-ipam' } }, {}, 7, /plugin "no-such-ipam" not found in CNI_PATH/],
    ['ipam refuses', 'ADD', { ...good, ipam: { type: 'host-local', dataDir } }, {}, undefined, /host-local/],
    ['unknown type', 'ADD', { ...good, type: 'netloom-frob' }, {}, 7, /type: netloom-cni implements netloom-bridge, netloom-ipam, netloom-vxlan, not "netloom-frob"/],
  ];
  for (const [name, command, conf, opts, code, msg] of cases) {
    const r = await runCni(host, NETLOOM_CNI, command, conf, { container: c, ...opts, ...(command === '' ? { env: { CNI_COMMAND: '' } } : {}) });
    t.equal(r.code, 1, `${name}: exit 1`);
    if (code !== undefined) t.equal(r.result?.code, code, `${name}: code ${code}`);
    t.match(r.result?.msg, msg, `${name}: ${r.result?.msg}`);
  }
  t.same((await import('../helpers/sandbox.mjs')).ipJson(c, 'link', 'show').map((l) => l.ifname), ['lo'], 'nothing was left in the container');
});

t.test('a 0.3.1 runtime gets a 0.3.1 result (each address says its version)', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const conf = { ...bridgeConf('netloom-bridge', dataDir), cniVersion: '0.3.1' };
  const r = await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: c });
  t.equal(r.code, 0, r.stdout);
  t.equal(r.result.cniVersion, '0.3.1');
  t.match(r.result.ips, [{ version: '4', address: /^198\.18\.50\.\d+\/24$/, gateway: '198.18.50.1', interface: 2 }]);
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: c })).code, 0);
});

t.test('ipMasq through nf_tables; GC removes what belongs to attachments no longer valid; STATUS', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  // Debian's host-local speaks up to 1.0.0: ADD and DEL at 1.0.0, STATUS and GC (1.1.0 only) at 1.1.0.
  const conf = bridgeConf('netloom-bridge', dataDir, { ipMasq: true });
  const v11 = { ...conf, cniVersion: '1.1.0' };
  const [a, b] = [await container(), await container()];
  const ra = await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: a, id: 'a' });
  const rb = await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: b, id: 'b' });
  t.equal(ra.code + rb.code, 0, ra.stdout + rb.stdout);
  const rules = () => nftRuleset(host).filter((o) => o.rule).map((o) => o.rule.comment);
  t.same(rules().sort(), ['testnet:a:eth0', 'testnet:a:eth0', 'testnet:b:eth0', 'testnet:b:eth0'], 'two rules per attachment, in table ip netloom-cni');
  const table = nftRuleset(host).find((o) => o.table).table;
  t.same([table.family, table.name], ['ip', 'netloom-cni']);
  t.equal((await runCni(host, NETLOOM_CNI, 'STATUS', v11)).code, 0, 'STATUS: ready');
  const gc = await runCni(host, NETLOOM_CNI, 'GC', { ...v11, 'cni.dev/valid-attachments': [{ containerID: 'a', ifname: 'eth0' }] });
  t.equal(gc.code, 0, gc.stdout);
  t.same(rules(), ['testnet:a:eth0', 'testnet:a:eth0'], "GC removed b's rules, kept a's");
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: a, id: 'a' })).code, 0);
  t.same(rules(), [], "DEL removed a's");
});

t.test('chained after another plugin: its interfaces and addresses come first, ours are added', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const c = await container();
  const prevResult = { cniVersion: '1.0.0', interfaces: [{ name: 'lo', mac: '00:00:00:00:00:00', sandbox: 'x' }], ips: [{ address: '198.18.99.1/32', interface: 0 }], dns: { nameservers: ['198.18.99.53'] } };
  const conf = { ...bridgeConf('netloom-bridge', dataDir), prevResult };
  const r = await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: c });
  t.equal(r.code, 0, r.stdout);
  t.same(r.result.interfaces.map((i) => i.name).slice(0, 2), ['lo', 'cni0']);
  t.equal(r.result.interfaces.length, 4);
  t.match(r.result.ips, [{ address: '198.18.99.1/32', interface: 0 }, { address: /^198\.18\.50\./, interface: 3 }], 'our address points at our container interface');
  t.same(r.result.dns, { nameservers: ['198.18.99.53'] }, 'dns passed on');
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: c })).code, 0);
});

t.test('50 concurrent ADDs: 50 distinct addresses, every container pings the gateway', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const conf = bridgeConf('netloom-bridge', dataDir);
  const cs = [];
  for (let i = 0; i < 50; i++) cs.push(await container());
  const t0 = Date.now();
  const adds = await Promise.all(cs.map((c, i) => runCni(host, NETLOOM_CNI, 'ADD', conf, { container: c, id: `c${i}` })));
  t.comment(`50 ADDs at once: ${Date.now() - t0} ms`);
  t.same(adds.filter((r) => r.code !== 0).map((r) => r.stdout), [], 'every ADD succeeded');
  const addrs = adds.map((r) => r.result.ips[0].address);
  t.equal(new Set(addrs).size, 50, '50 distinct addresses');
  const pings = await Promise.all(cs.map((c) => c.ping('198.18.50.1', { count: 1, timeout: 3000 })));
  t.equal(pings.filter((p) => p.received === 1).length, 50, 'all 50 ping the gateway');
  const dels = await Promise.all(cs.map((c, i) => runCni(host, NETLOOM_CNI, 'DEL', conf, { container: c, id: `c${i}` })));
  t.equal(dels.filter((r) => r.code !== 0).length, 0, 'and all 50 DELs succeeded');
});

t.test('GC and STATUS reach the IPAM: netloom-ipam releases the leases of attachments no longer valid', async (t) => {
  const { host, dataDir, container } = await cniHost(t);
  const conf = bridgeConf('netloom-bridge', dataDir, { cniVersion: '1.1.0', ipam: { type: 'netloom-ipam', subnet: '198.18.52.0/24', dataDir } });
  const [a, b] = [await container(), await container()];
  const ra = await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: a, id: 'a' });
  const rb = await runCni(host, NETLOOM_CNI, 'ADD', conf, { container: b, id: 'b' });
  t.equal(ra.code + rb.code, 0, ra.stdout + rb.stdout);
  const leased = () => readdirSync(join(dataDir, 'testnet')).filter((f) => /^198\./.test(f)).map((f) => readFileSync(join(dataDir, 'testnet', f), 'utf8').split(/\r?\n/)[0]).sort();
  t.same(leased(), ['a', 'b'], 'a lease file each');
  t.equal((await runCni(host, NETLOOM_CNI, 'STATUS', conf)).code, 0, 'STATUS: ready, the IPAM too');
  const bad = await runCni(host, NETLOOM_CNI, 'STATUS', { ...conf, ipam: { type: 'netloom-ipam', subnet: '198.18.52.1/33', dataDir } });
  t.match(bad.result, { code: 7, msg: /ipam/ }, "STATUS passes on the IPAM's complaint");
  const gc = await runCni(host, NETLOOM_CNI, 'GC', { ...conf, 'cni.dev/valid-attachments': [{ containerID: 'a', ifname: 'eth0' }] });
  t.equal(gc.code, 0, gc.stdout);
  t.same(leased(), ['a'], "GC released b's lease, kept a's");
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: a, id: 'a' })).code, 0);
  t.equal((await runCni(host, NETLOOM_CNI, 'DEL', conf, { container: b, id: 'b' })).code, 0, 'DEL after GC still succeeds');
  t.same(leased(), []);
});

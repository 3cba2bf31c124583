// Topologies on the kernel: plan, apply, idempotence, convergence after an
// edit, update() of a topology of anonymous namespaces, conflicts, and
// destroy removing exactly what the topology owns. Named namespaces carry a
// prefix unique to this run and are removed in teardown; the "current"
// namespace of the declarations is a throwaway sandbox. Witnesses: iproute2
// (ip -j, ip -n) and /proc/sys read from inside the namespaces.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { defaultGroup, netns, topology, TopologyError, Tun } from '../../dist/index.js';
import { topologySandbox } from '../../dist/testing.js';
import { ipJson, sandbox, sysClassNet, uniqueName } from '../helpers/sandbox.mjs';

const named = (prefix) => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(prefix)).sort() : []);
const ipn = (name, ...args) => {
  const out = execFileSync('ip', ['-n', name, '-j', ...args], { encoding: 'utf8' });
  return out.trim() === '' ? [] : JSON.parse(out);
};
const procSys = (name, path) => execFileSync('nsenter', [`--net=/run/netns/${name}`, 'cat', `/proc/sys/${path}`], { encoding: 'utf8' }).trim();
const linkNames = (ns) => ipJson(ns, 'link').map((l) => l.ifname).sort();

function declaration(name) {
  return {
    name,
    namespaces: {
      root: {
        current: true,
        links: [
          { kind: 'bridge', name: 'br0', addresses: ['198.18.30.1/24', '198.18.31.1/24'] },
          { kind: 'vxlan', name: 'vx0', id: 42, port: 4789 },
        ],
      },
      a: {
        links: [{ kind: 'veth', name: 'eth0', mtu: 1500, addresses: ['198.18.30.2/24'], peer: { name: 'va', netns: 'root', master: 'br0', bridgePort: { cost: 7 } } }],
        routes: [{ dst: 'default', via: '198.18.30.1' }],
      },
      b: {
        links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.30.3/24'], peer: { name: 'vb', netns: 'root', master: 'br0' } }],
        sysctls: { 'net.ipv4.ip_forward': 1, 'net.ipv4.conf.eth0.rp_filter': 2 },
      },
    },
  };
}

/** A fresh "current" namespace, a unique prefix and topology name, everything removed at the end. */
async function setup(t) {
  const root = await sandbox(t, { lo: true });
  const prefix = `${uniqueName('nlt-tp')}-`;
  const name = uniqueName('tp');
  const handles = [];
  const make = (spec) => {
    const topo = topology(spec, { netns: root.ns, netnsPrefix: prefix });
    handles.push(topo);
    return topo;
  };
  t.teardown(async () => {
    for (const topo of handles) await topo.close();
    await make(declaration(name)).destroy();
    await handles.at(-1).close();
    for (const n of named(prefix)) await netns.del(n).catch(() => {});
  });
  return { root, prefix, name, make };
}

t.test('plan lists what apply creates, apply makes it, a second apply changes nothing', async (t) => {
  const { root, prefix, name, make } = await setup(t);
  const topo = make(declaration(name));
  const plan = await topo.plan();
  t.same(plan.conflicts, []);
  t.same(plan.counts, { create: 13, change: 0, replace: 0, remove: 0 }, '2 namespaces, 1 + 1 sysctls, 4 links, 4 addresses, 1 route');
  const stages = ['namespaces', 'links', 'masters', 'qdiscs', 'addresses', 'nexthops', 'routes', 'neighbours', 'fdb', 'sysctls', 'firewall', 'removals'];
  t.ok(plan.steps.every((s, i) => i === 0 || stages.indexOf(plan.steps[i - 1].stage) <= stages.indexOf(s.stage)), 'steps in dependency order');
  t.same(
    plan.steps.find((s) => s.path === 'namespaces.a.links[0]'),
    { stage: 'links', action: 'create', object: 'link', namespace: 'a', name: 'eth0 (veth, peer va in root)', path: 'namespaces.a.links[0]', changes: [] },
  );
  t.same(named(prefix), [], 'plan touched nothing');

  const progress = [];
  const result = await topo.apply({ onProgress: (e) => progress.push(e) });
  t.same(result.plan.counts, plan.counts);
  t.same(result.stages.map((s) => s.stage), stages, 'every stage ran, in order');
  t.equal(progress.filter((e) => e.type === 'step').length, 13, 'a progress event per step');

  // Witnesses.
  t.same(named(prefix), [`${prefix}a`, `${prefix}b`], 'ip netns list');
  t.same(linkNames(root.ns), ['br0', 'lo', 'va', 'vb', 'vx0'], 'links in the current namespace');
  const va = ipJson(root.ns, '-d', 'link', 'show', 'dev', 'va')[0];
  t.equal(va.master, 'br0');
  t.equal(va.linkinfo.info_slave_data.cost, 7, 'bridge port option set');
  t.equal(va.ifalias, `netloom:${name}`, 'marked');
  t.equal(String(va.group), String(defaultGroup(name)), 'in the topology\'s link group');
  const eth0 = ipn(`${prefix}a`, '-d', 'link', 'show', 'dev', 'eth0')[0];
  t.equal(eth0.mtu, 1500);
  t.equal(eth0.link_index, va.ifindex, 'a/eth0 is the peer of va, made directly inside a');
  t.equal(ipn(`${prefix}a`, 'link', 'show', 'dev', 'lo')[0].ifalias, `netloom:${name}:netns`, 'the namespace is marked on its lo');
  t.same(ipn(`${prefix}a`, 'route', 'show', 'default').map((r) => r.gateway), ['198.18.30.1']);
  t.equal(procSys(`${prefix}b`, 'net/ipv4/ip_forward'), '1');
  t.equal(procSys(`${prefix}b`, 'net/ipv4/conf/eth0/rp_filter'), '2', 'per-interface sysctl written after the link existed');
  t.equal((await topo.netns('a').ping('198.18.30.3', { count: 1, timeout: 2000 })).received, 1, 'a -> b through br0');

  // Idempotence: nothing to do, nothing made again.
  const before = JSON.stringify([ipJson(root.ns, 'link').map((l) => [l.ifname, l.ifindex]), ipn(`${prefix}a`, 'link').map((l) => [l.ifname, l.ifindex]), ipn(`${prefix}a`, 'route')]);
  const again = await topo.plan();
  t.ok(again.empty, 'the plan is empty');
  const second = await topo.apply();
  t.ok(second.plan.empty);
  t.same(second.stages.map((s) => s.steps), stages.map(() => 0), 'no step in any stage');
  const fresh = make(declaration(name));
  t.ok((await fresh.plan()).empty, 'a new handle on the same declaration agrees');
  const after = JSON.stringify([ipJson(root.ns, 'link').map((l) => [l.ifname, l.ifindex]), ipn(`${prefix}a`, 'link').map((l) => [l.ifname, l.ifindex]), ipn(`${prefix}a`, 'route')]);
  t.equal(after, before, 'same links with the same ifindexes, same routes');
});

t.test('an edited declaration converges by its differences', async (t) => {
  const { root, prefix, name, make } = await setup(t);
  await make(declaration(name)).apply();
  const vxBefore = ipJson(root.ns, 'link', 'show', 'dev', 'vx0')[0].ifindex;
  const brBefore = ipJson(root.ns, 'link', 'show', 'dev', 'br0')[0].ifindex;

  const edited = declaration(name);
  edited.namespaces.root.links[0].addresses = ['198.18.30.1/24']; // one address fewer
  edited.namespaces.root.links[0].ageingTime = 100; // a bridge option the kernel changes in place
  edited.namespaces.root.links[1].id = 43; // a vxlan id it takes only at creation
  edited.namespaces.a.links[0].mtu = 1400;
  delete edited.namespaces.a.routes;
  delete edited.namespaces.b; // the namespace, and its peer vb in root
  edited.namespaces.c = { links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.30.4/24'], peer: { name: 'vc', netns: 'root', master: 'br0' } }] };
  const topo = make(edited);
  const plan = await topo.plan();
  const lines = plan.steps.map((s) => `${s.action} ${s.object} ${s.name} @${s.namespace}${s.changes.length ? `: ${s.changes.join(', ')}` : ''}`);
  t.same(lines.sort(), [
    'change link br0 @root: ageingTime 300 -> 100',
    'change link eth0 @a: mtu 1500 -> 1400',
    'create address 198.18.30.4/24 on eth0 @c',
    `create netns ${prefix}c @c`,
    'create link eth0 (veth, peer vc in root) @c',
    'remove address 198.18.31.1/24 on br0 @root',
    'remove link vb (veth) @root',
    `remove netns ${prefix}b @${prefix}b`,
    'remove route default via 198.18.30.1 dev eth0 @a',
    'replace link vx0 (vxlan) @root',
  ].sort());
  await topo.apply();

  t.same(named(prefix), [`${prefix}a`, `${prefix}c`], 'b removed, c made');
  t.same(linkNames(root.ns), ['br0', 'lo', 'va', 'vc', 'vx0']);
  t.equal(ipJson(root.ns, 'link', 'show', 'dev', 'br0')[0].ifindex, brBefore, 'br0 changed in place');
  const vx = ipJson(root.ns, '-d', 'link', 'show', 'dev', 'vx0')[0];
  t.not(vx.ifindex, vxBefore, 'vx0 made again');
  t.equal(vx.linkinfo.info_data.id, 43);
  t.equal(ipJson(root.ns, '-d', 'link', 'show', 'dev', 'br0')[0].linkinfo.info_data.ageing_time, 10000, 'ageing time 100 s');
  t.same(ipJson(root.ns, 'addr', 'show', 'dev', 'br0')[0].addr_info.filter((a) => a.family === 'inet').map((a) => a.local), ['198.18.30.1']);
  t.equal(ipn(`${prefix}a`, 'link', 'show', 'dev', 'eth0')[0].mtu, 1400);
  t.same(ipn(`${prefix}a`, 'route', 'show', 'default'), [], 'the route went');
  t.equal((await topo.netns('c').ping('198.18.30.2', { count: 1, timeout: 2000 })).received, 1, 'c -> a');
  t.ok((await topo.plan()).empty, 'converged: nothing left to do');
});

t.test('update() edits a topology of anonymous namespaces in place', async (t) => {
  const spec = {
    name: 'upd',
    namespaces: {
      x: { anonymous: true, links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.32.1/24'], peer: { name: 'eth0', netns: 'y', addresses: ['198.18.32.2/24'] } }] },
      y: { anonymous: true },
      z: { anonymous: true, links: [{ kind: 'bridge', name: 'br0' }] },
    },
  };
  const sb = await topologySandbox(t, spec);
  const topo = sb.topology;
  const x = sb.netns('x');
  const edited = structuredClone(spec);
  edited.name = topo.name;
  delete edited.namespaces.z;
  edited.namespaces.x.links[0].addresses.push('198.18.33.1/24');
  edited.namespaces.w = { anonymous: true, links: [{ kind: 'bridge', name: 'br1' }] };
  topo.update(edited);
  const plan = await topo.plan();
  t.same(plan.steps.map((s) => `${s.action} ${s.object} ${s.name}`).sort(), [
    'create address 198.18.33.1/24 on eth0',
    'create link br1 (bridge)',
    'create netns w (anonymous)',
    'remove netns z (anonymous)',
  ]);
  await topo.apply();
  t.equal(topo.netns('x'), x, 'the same namespace handle');
  t.throws(() => topo.netns('z'), /no namespace 'z' is declared/);
  t.ok(ipJson(x, 'addr', 'show', 'dev', 'eth0')[0].addr_info.some((a) => a.local === '198.18.33.1'));
  t.same(linkNames(topo.netns('w')), ['br1', 'lo']);
  t.ok((await topo.plan()).empty);
  t.throws(() => topo.update({ ...edited, name: 'other' }), /must keep the name/);
});

t.test('what the topology does not own stops apply before anything is touched', async (t) => {
  const { root, prefix, name, make } = await setup(t);
  await root.nl.link.add({ kind: 'bridge', name: 'br0' }); // someone else's br0
  const topo = make(declaration(name));
  const plan = await topo.plan();
  t.equal(plan.conflicts.length, 1);
  t.match(plan.conflicts[0], `namespaces.root.links[0]: link 'br0' exists in namespace 'root' and is not topology '${name}''s`);
  const err = await topo.apply().then(() => undefined, (e) => e);
  t.type(err, TopologyError);
  t.match(err.message, /apply refused, nothing was touched/);
  t.same(named(prefix), [], 'no namespace made');
  t.same(linkNames(root.ns), ['br0', 'lo'], 'nothing added');
  t.equal(ipJson(root.ns, 'link', 'show', 'dev', 'br0')[0].ifalias, undefined, 'the foreign br0 untouched');

  await root.nl.link.del('br0');
  const squatter = await netns.add(`${prefix}a`); // a namespace of that name, not the topology's
  t.teardown(() => squatter.close());
  const p2 = await make(declaration(name)).plan();
  t.match(p2.conflicts[0], new RegExp(`^namespaces\\.a: /run/netns/${prefix}a exists and is not topology '${name}''s`));
});

t.test('destroy removes exactly what the topology owns', async (t) => {
  const { root, prefix, name, make } = await setup(t);
  const group = defaultGroup(name);
  // Neighbours: a link in the topology's own group but not marked, a veth pair, a named namespace.
  await root.nl.link.add({ kind: 'bridge', name: 'keep0', group });
  await root.nl.link.add({ kind: 'veth', name: 'keep1', peer: { name: 'keep2' } });
  const other = `${prefix}other`;
  const otherNs = await netns.add(other);
  t.teardown(async () => {
    otherNs.close();
    await netns.del(other).catch(() => {});
  });
  const topo = make(declaration(name));
  await topo.apply();
  const result = await topo.destroy();
  t.same(result.namespaces.sort(), [`${prefix}a`, `${prefix}b`]);
  t.same(result.links.sort(), ['root/br0', 'root/va', 'root/vb', 'root/vx0']);
  t.same(linkNames(root.ns), ['keep0', 'keep1', 'keep2', 'lo'], 'only what the test made itself is left');
  t.same(named(prefix), [other], 'the other named namespace is still there');
  // The handle can build again after a destroy.
  await topo.apply();
  t.same(named(prefix), [`${prefix}a`, `${prefix}b`, other]);
});

t.test('an external namespace is used, never created or removed', async (t) => {
  const { prefix, name, make } = await setup(t);
  const extName = `${prefix}ext`;
  const ext = await netns.add(extName);
  t.teardown(async () => {
    ext.close();
    await netns.del(extName).catch(() => {});
  });
  const spec = {
    name,
    namespaces: {
      ext: { external: { name: extName }, links: [{ kind: 'bridge', name: 'br0', addresses: ['198.18.34.1/24'] }] },
      a: { links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.34.2/24'], peer: { name: 'va', netns: 'ext', master: 'br0' } }] },
    },
  };
  const topo = make(spec);
  await topo.apply();
  t.same(ipn(extName, 'link').map((l) => l.ifname).sort(), ['br0', 'lo', 'va']);
  t.same(ipn(extName, 'link', 'show', 'dev', 'lo')[0].ifalias, undefined, 'its lo is not marked: the topology does not own it');
  t.equal((await topo.netns('a').ping('198.18.34.1', { count: 1, timeout: 2000 })).received, 1);
  await topo.destroy();
  t.same(named(prefix), [extName], 'the external namespace stays, the owned one went');
  t.same(ipn(extName, 'link').map((l) => l.ifname), ['lo'], 'its links of the topology went');

  const missing = make({ name, namespaces: { x: { external: { name: `${prefix}nowhere` } } } });
  await t.rejects(missing.plan(), { name: 'TopologyError', code: 'ENOENT', message: new RegExp(`namespaces\\.x\\.external: cannot open \\{"name":"${prefix}nowhere"\\}`) });
});

// TUN/TAP devices: made through /dev/net/tun (persistent, the fd closed
// again), then links like the others.
function tunDeclaration(name) {
  return {
    name,
    namespaces: {
      root: {
        current: true,
        links: [{ kind: 'bridge', name: 'br0' }],
        tuntap: [
          { name: 'tap0', mode: 'tap', master: 'br0', bridgePort: { cost: 9 } },
          { name: 'tun0', mode: 'tun', owner: 65534, group: 65534, multiQueue: true, mtu: 1400, addresses: ['198.18.33.1/24', '2001:db8:33::1/64'] },
        ],
        routes: [{ dst: '198.18.34.0/24', dev: 'tun0' }],
      },
      a: { tuntap: [{ name: 'tun1', mode: 'tun', addresses: ['198.18.35.1/24'] }] },
    },
  };
}
const stepText = (plan) => plan.steps.map((s) => `${s.action} ${s.object} ${s.name}${s.changes.length > 0 ? `: ${s.changes.join(', ')}` : ''}`);

t.test('TUN/TAP devices: made persistent, converged, made again when their mode changes, destroyed', async (t) => {
  const { root, prefix, name, make } = await setup(t);
  const spec = tunDeclaration(name);
  const topo = make(spec);
  const plan = await topo.plan();
  t.same(plan.conflicts, []);
  t.ok(stepText(plan).includes('create link tap0 (tap)') && stepText(plan).includes('create link tun0 (tun)'), 'the plan says tun or tap');
  await topo.apply();
  const tun0 = ipJson(root.ns, '-d', 'link', 'show', 'dev', 'tun0')[0];
  t.match(tun0.linkinfo.info_data, { type: 'tun', persist: true, multi_queue: true }, 'ip -d link: tun type tun, persistent, multi-queue');
  t.equal(tun0.mtu, 1400);
  t.same([sysClassNet(root.ns, 'tun0/owner'), sysClassNet(root.ns, 'tun0/group')], ['65534', '65534'], 'owner and group (sysfs)');
  t.equal(tun0.group, String(defaultGroup(name)), 'in the topology\'s link group');
  t.equal(tun0.ifalias, `netloom:${name}`, 'marked');
  t.same(ipJson(root.ns, 'addr', 'show', 'dev', 'tun0')[0].addr_info.map((a) => a.local).filter((a) => !a.startsWith('fe80')).sort(), ['198.18.33.1', '2001:db8:33::1']);
  t.equal(ipJson(root.ns, 'route', 'show', '198.18.34.0/24')[0].dev, 'tun0');
  const tap0 = ipJson(root.ns, '-d', 'link', 'show', 'dev', 'tap0')[0];
  t.match(tap0.linkinfo, { info_data: { type: 'tap', persist: true }, info_slave_kind: 'bridge', info_slave_data: { cost: 9 } }, 'a TAP port of br0 with its port options');
  t.equal(tap0.master, 'br0');
  t.match(ipn(`${prefix}a`, '-d', 'link', 'show', 'dev', 'tun1')[0].linkinfo.info_data, { type: 'tun', persist: true }, 'and one in a namespace the topology made');
  t.same(stepText(await topo.plan()), [], 'a second plan is empty');

  // Edited: an mtu is changed in place; a new mode means a new device.
  spec.namespaces.root.tuntap[1].mtu = 1500;
  spec.namespaces.a.tuntap[0].mode = 'tap';
  const edited = make(spec);
  t.same(stepText(await edited.plan()), ['replace link tun1 (tap)', 'change link tun0: mtu 1400 -> 1500', 'create address 198.18.35.1/24 on tun1']);
  await edited.apply();
  t.equal(ipJson(root.ns, 'link', 'show', 'dev', 'tun0')[0].mtu, 1500);
  t.equal(ipn(`${prefix}a`, '-d', 'link', 'show', 'dev', 'tun1')[0].linkinfo.info_data.type, 'tap', 'tun1 is a TAP device now');
  t.same(stepText(await edited.plan()), [], 'converged');

  const result = await edited.destroy();
  t.same(result.links.sort(), ['root/br0', 'root/tap0', 'root/tun0'], 'deleted with RTM_DELLINK (in one group batch)');
  t.same(linkNames(root.ns), ['lo'], 'nothing left in the current namespace');
  t.same(named(prefix), [], 'the named namespace went, and its device with it');
});

t.test('TUN/TAP devices: a failed apply removes the ones it made; a foreign one is a conflict', async (t) => {
  const { root, name, make } = await setup(t);
  const spec = tunDeclaration(name);
  // Not on any subnet: the kernel refuses the gateway, in the routes stage, after the devices were made.
  spec.namespaces.root.routes.push({ dst: '198.18.99.0/24', via: '198.18.98.1' });
  const err = await make(spec).apply().then(() => undefined, (e) => e);
  t.type(err, TopologyError);
  t.equal(err.code, 'ENETUNREACH');
  t.same(linkNames(root.ns), ['lo'], 'the tun and tap devices this apply made are gone again');

  // Someone else's persistent tun0: the topology refuses to take it over.
  const foreign = await Tun.open({ netns: root.ns, name: 'tun0', persist: true });
  await foreign.close();
  const topo = make(tunDeclaration(name));
  const plan = await topo.plan();
  t.match(plan.conflicts[0], `namespaces.root.tuntap[1]: link 'tun0' exists in namespace 'root' and is not topology '${name}''s (its alias is empty)`);
  await t.rejects(topo.apply(), /apply refused, nothing was touched/);
  t.same(linkNames(root.ns), ['lo', 'tun0'], 'the foreign device is left alone');
  t.equal(await Tun.delete('tun0', { netns: root.ns }), true, 'and removed by its owner');
});

// Failures in the middle of an apply: a kernel refusal, an abort, and a
// program killed after applying. Each time, what the failed apply made is
// gone again (or, for the killed one, destroy finds it by its marks, with
// the declaration and without it). Witnesses: ip -j and /run/netns.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { destroyTopology, netns, topology, TopologyError } from '../../dist/index.js';
import { ipJson, sandbox, uniqueName } from '../helpers/sandbox.mjs';

const named = (prefix) => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(prefix)).sort() : []);
const linkNames = (ns) => ipJson(ns, 'link').map((l) => l.ifname).sort();

function declaration(name) {
  return {
    name,
    namespaces: {
      root: { current: true, links: [{ kind: 'bridge', name: 'br0', addresses: ['198.18.40.1/24'] }] },
      a: {
        links: [{ kind: 'veth', name: 'eth0', mtu: 1500, addresses: ['198.18.40.2/24'], peer: { name: 'va', netns: 'root', master: 'br0' } }],
        routes: [{ dst: 'default', via: '198.18.40.1' }],
      },
      b: { links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.40.3/24'], peer: { name: 'vb', netns: 'root', master: 'br0' } }] },
    },
  };
}

async function setup(t) {
  const root = await sandbox(t, { lo: true });
  const prefix = `${uniqueName('nlt-rb')}-`;
  const name = uniqueName('rb');
  const made = [];
  const make = (spec) => {
    const topo = topology(spec, { netns: root.ns, netnsPrefix: prefix });
    made.push(topo);
    return topo;
  };
  t.teardown(async () => {
    for (const topo of made) await topo.close();
    await destroyTopology(name, { netns: root.ns });
    for (const n of named(prefix)) await netns.del(n).catch(() => {});
  });
  return { root, prefix, name, make };
}

t.test('a step the kernel refuses rolls back everything this apply made', async (t) => {
  const { root, prefix, name, make } = await setup(t);
  const spec = declaration(name);
  // Not on any subnet of a: the kernel refuses the gateway, in the routes stage.
  spec.namespaces.a.routes.push({ dst: '198.18.99.0/24', via: '198.18.98.1' });
  const progress = [];
  const err = await make(spec).apply({ onProgress: (e) => progress.push(e) }).then(() => undefined, (e) => e);
  t.type(err, TopologyError);
  t.equal(err.code, 'ENETUNREACH', 'the kernel\'s reason');
  t.equal(err.step.stage, 'routes');
  t.equal(err.step.path, 'namespaces.a.routes[1]');
  t.match(err.message, `topology '${name}': apply failed at routes: create route 198.18.99.0/24 via 198.18.98.1 in a (namespaces.a.routes[1])`);
  t.match(err.message, /rolled back \d+ change\(s\) this apply had made/);
  t.ok(err.rolledBack >= 3, `rolled back ${err.rolledBack}`);
  t.same(err.rollbackErrors, []);
  t.ok(progress.some((e) => e.type === 'rollback'), 'a rollback progress event');
  t.same(named(prefix), [], 'no namespace left (/run/netns)');
  t.same(linkNames(root.ns), ['lo'], 'no link left in the current namespace (ip -j link)');
});

t.test('a failed edit leaves the topology as it was before', async (t) => {
  const { root, prefix, name, make } = await setup(t);
  await make(declaration(name)).apply();
  const before = JSON.stringify(ipJson(root.ns, 'link').map((l) => [l.ifname, l.ifindex, l.mtu]));
  const spec = declaration(name);
  spec.namespaces.a.links[0].mtu = 1400; // a change, undone
  spec.namespaces.root.links.push({ kind: 'bridge', name: 'br9' }); // a new link, removed
  spec.namespaces.c = { links: [{ kind: 'bridge', name: 'brc' }] }; // a new namespace, removed
  spec.namespaces.b.routes = [{ dst: '198.18.99.0/24', via: '198.18.98.1' }]; // the failure
  const err = await make(spec).apply().then(() => undefined, (e) => e);
  t.type(err, TopologyError);
  t.equal(err.step.path, 'namespaces.b.routes[0]');
  t.same(named(prefix), [`${prefix}a`, `${prefix}b`], 'c removed again');
  t.equal(JSON.stringify(ipJson(root.ns, 'link').map((l) => [l.ifname, l.ifindex, l.mtu])), before, 'the current namespace as before (br9 gone)');
  t.equal(JSON.parse(await import('node:child_process').then((cp) => cp.execFileSync('ip', ['-n', `${prefix}a`, '-j', 'link', 'show', 'dev', 'eth0'], { encoding: 'utf8' })))[0].mtu, 1500, 'the mtu change undone');
  t.ok((await make(declaration(name)).plan()).empty, 'the original declaration still matches');
});

t.test('aborting mid-apply rolls back', async (t) => {
  const { root, prefix, name, make } = await setup(t);
  const ac = new AbortController();
  const err = await make(declaration(name))
    .apply({ signal: ac.signal, onProgress: (e) => e.type === 'stage' && e.stage === 'links' && ac.abort() })
    .then(() => undefined, (e) => e);
  t.type(err, TopologyError);
  t.match(err.message, `topology '${name}': apply aborted at addresses`);
  t.same(named(prefix), []);
  t.same(linkNames(root.ns), ['lo']);
});

t.test('a program killed after applying: destroy finds everything by its marks', async (t) => {
  for (const how of ['from the declaration', 'from the marks alone']) {
    await t.test(how, async (t) => {
      const { root, prefix, name } = await setup(t);
      const child = spawn(process.execPath, [fileURLToPath(new URL('../fixtures/topology-child.mjs', import.meta.url))], {
        env: { ...process.env, SPEC: JSON.stringify(declaration(name)), ROOT: `/proc/${process.pid}/fd/${root.ns.fd}`, PREFIX: prefix },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      t.teardown(() => child.kill('SIGKILL'));
      let out = '';
      for await (const chunk of child.stdout) {
        out += chunk;
        if (out.includes('applied')) break;
      }
      t.equal(out.trim(), 'applied');
      child.kill('SIGKILL');
      await once(child, 'exit');
      t.same(named(prefix), [`${prefix}a`, `${prefix}b`], 'the killed program left its namespaces');
      t.same(linkNames(root.ns), ['br0', 'lo', 'va', 'vb'], 'and its links');
      const result = how === 'from the declaration'
        ? await topology(declaration(name), { netns: root.ns, netnsPrefix: prefix }).destroy()
        : await destroyTopology(name, { netns: root.ns });
      t.same(result.namespaces.sort(), [`${prefix}a`, `${prefix}b`]);
      t.same(named(prefix), [], 'no namespace left');
      t.same(linkNames(root.ns), ['lo'], 'no link left');
    });
  }
});

// The library never runs a program (no `ip`, `sysctl`, shell...): a workload
// of every operation (a topology's plan, apply, graphs and destroy included)
// runs under `strace -f -e trace=execve`, and the only program started
// besides node itself is netloom-nsexec, for NetNs.exec. (Graphviz's dot,
// for SVG graphs only, is the one program topologies may run; not here.)
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const workload = `
  import { netns, open, parseTopology, topology } from ${JSON.stringify(dist)};
  const name = 'nlt-noshell-' + process.pid;
  const named = await netns.add(name);
  const ns = await netns.create();
  const nl = await open({ netns: ns });
  try {
  await nl.link.set('lo', { up: true });
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true, stp: false });
  await nl.link.add({ kind: 'veth', name: 'v0', master: 'br0', up: true, peer: { name: 'v1', netns: named, up: true } });
  await nl.link.add({ kind: 'vxlan', name: 'vx0', id: 7, port: 4789, local: '198.18.9.1' });
  await nl.link.add({ kind: 'veth', name: 'u0', peer: { name: 'u1' } });
  await nl.link.add({ kind: 'macvlan', name: 'mv0', parent: 'u0', mode: 'bridge' });
  await nl.link.add({ kind: 'vlan', name: 'u0.5', parent: 'u0', id: 5 }).catch(() => {}); // this kernel lacks vlan
  await nl.addr.add('br0', '198.18.9.1/24');
  await nl.link.set('v0', { mtu: 1400, alias: 'x' });
  await nl.link.list();
  for await (const l of nl.link.dump()) void l;
  await nl.addr.list();
  await ns.ping('198.18.9.1', { count: 1 });
  await netns.list();
  (await netns.open(name)).close();
  await nl.link.del('mv0');
  await nl.link.del('v0');
  const probe = await netns.create();
  await probe.exec(['true']);
  probe.close();
  // A topology: YAML, plan, apply (sysctls included), graphs, destroy.
  const topo = topology(await parseTopology([
    'name: noshell-' + process.pid,
    'namespaces:',
    '  h: { current: true, links: [{ kind: bridge, name: tbr0, addresses: [198.18.19.1/24] }] }',
    '  a:',
    '    anonymous: true',
    '    sysctls: { net.ipv4.ip_forward: 1 }',
    '    links: [{ kind: veth, name: eth0, addresses: [198.18.19.2/24], peer: { name: ta, netns: h, master: tbr0 } }]',
    '    routes: [{ dst: default, via: 198.18.19.1 }]',
  ].join('\\n')), { netns: ns });
  try {
    await topo.plan();
    await topo.apply();
    await topo.graph();
    await topo.graph({ format: 'dot', live: true });
    await topo.destroy();
  } finally {
    await topo.close();
  }
  } finally {
    // Whatever failed above, nothing stays behind.
    await nl.close();
    ns.close();
    named.close();
    await netns.del(name).catch(() => {});
  }
`;

t.test('no operation starts a program; exec starts only netloom-nsexec', async (t) => {
  t.equal(spawnSync('strace', ['-V']).status, 0, 'strace is installed (the witness)');
  const log = join(tmpdir(), `netloom-execve-${process.pid}.log`);
  t.teardown(() => rmSync(log, { force: true }));
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', log, process.execPath, '--input-type=module', '-e', workload], {
    encoding: 'utf8',
    timeout: 60000,
  });
  t.equal(r.status, 0, r.stderr);
  const programs = readFileSync(log, 'utf8')
    .split('\n')
    .map((l) => /execve\("([^"]+)"/.exec(l)?.[1])
    .filter((p) => p !== undefined);
  t.equal(programs[0], process.execPath, 'node itself');
  const others = programs.slice(1);
  t.ok(others.length >= 1, 'exec ran its helper');
  t.ok(others.every((p) => p.endsWith('/netloom-nsexec') || p === '/usr/bin/true' || p.endsWith('/true')), `only netloom-nsexec (and the program it runs): ${others.join(', ')}`);
  t.equal(others.filter((p) => p.endsWith('/netloom-nsexec')).length, 1, 'exactly once, for the one exec call');
});

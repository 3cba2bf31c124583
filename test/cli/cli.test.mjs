// The netloom command, run as a program (dist/cli.js, and once through npx):
// exit codes and messages, up / plan / down of a topology file with names
// unique to this run, show, graph, and the demo end to end (also
// interrupted with Ctrl-C). Witnesses: ip -n, /run/netns, NetNs.ping.
import t from 'tap';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { destroyTopology, loadTopology, netns, open, topology } from '../../dist/index.js';
import { uniqueName } from '../helpers/sandbox.mjs';
import { checkSvg } from '../helpers/svg.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const S2 = join(ROOT, 'examples/topologies/s2-bridge.yaml');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const netloom = (...args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60000 });
const named = (prefix) => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(prefix)).sort() : []);
const ipn = (name, ...args) => JSON.parse(execFileSync('ip', ['-n', name, '-j', ...args], { encoding: 'utf8' }) || '[]');

function tmpFiles(t) {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return (name, text) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
}

/** A unique topology name and namespace prefix, removed by their marks at the end. */
function unique(t, tag) {
  const name = uniqueName(`cli-${tag}`);
  const prefix = `${uniqueName(`nlt-cli-${tag}`)}-`;
  t.teardown(async () => {
    await destroyTopology(name);
    for (const n of named(prefix)) await netns.del(n).catch(() => {});
  });
  return { name, prefix };
}

t.test('usage, help, version and exit codes', async (t) => {
  let r = netloom();
  t.equal(r.status, 2, 'no command: 2');
  t.match(r.stderr, /^Usage: netloom COMMAND/);
  r = netloom('--help');
  t.equal(r.status, 0);
  t.match(r.stdout, /^Usage: netloom COMMAND[\s\S]*demo[\s\S]*up FILE[\s\S]*Exit codes: 0 done, 1 failed, 2 wrong usage/);
  t.equal(netloom('up', '--help').status, 0, 'help of a command');
  r = netloom('--version');
  t.equal(r.status, 0);
  t.equal(r.stdout.trim(), VERSION);
  r = netloom('frobnicate');
  t.equal(r.status, 2);
  t.match(r.stderr, /^netloom: unknown command 'frobnicate'/);
  r = netloom('up');
  t.equal(r.status, 2);
  t.match(r.stderr, /^netloom up: missing FILE \(a topology declaration, YAML or JSON\)\nTry 'netloom --help'\./);
  r = netloom('up', S2, '--bogus');
  t.equal(r.status, 2);
  t.match(r.stderr, /^netloom up: Unknown option '--bogus'/);
  r = netloom('down');
  t.equal(r.status, 2);
  t.match(r.stderr, /give FILE \(the declaration\) or --name NAME/);
  r = netloom('graph', S2, '--live');
  t.equal(r.status, 2);
  t.equal(netloom('graph', S2, '--format', 'png').status, 2);
  r = netloom('plan', '/nonexistent/topology.yaml');
  t.equal(r.status, 1, 'a file that is not there: 1');
  t.match(r.stderr, /^netloom plan: ENOENT/);
});

t.test('npx netloom runs the package\'s own bin', async (t) => {
  const r = spawnSync('npx', ['netloom', '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.trim(), VERSION);
});

t.test('up, plan, up again, down: a topology file from start to end', async (t) => {
  const { name, prefix } = unique(t, 'up');
  const opts = ['--name', name, '--prefix', prefix];
  let r = netloom('plan', S2, ...opts);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /\+ link br0 \(bridge\)\s+in switch  \(namespaces\.switch\.links\[0\]\)/);
  t.match(r.stdout, /11 to create, 0 to change, 0 to replace, 0 to remove/);
  t.same(named(prefix), [], 'plan changed nothing');

  r = netloom('up', S2, ...opts);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, new RegExp(`^netloom up ${S2.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: topology '${name}'`));
  t.match(r.stdout, /\n  \[namespaces\]\s+\+ netns \S+ns1 in ns1\n/, 'a line per step');
  t.match(r.stdout, /\n  \[links\]\s+\+ link veth1_ns \(veth, peer veth1_br in switch\) in ns1\n/);
  t.match(r.stdout, /\n  stage\s+steps\s+ms\n  namespaces\s+3\s/, 'stage table');
  t.match(r.stdout, /\n  namespace\s+source\s+links\s+addresses\s+routes.*\n  switch\s+named\s+1\s+1\s+0/, 'namespace table');
  t.match(r.stdout, /\nup: 11 created, 0 changed, 0 replaced, 0 removed in \d+\.\d+ s\n$/);
  t.same(named(prefix), [`${prefix}ns1`, `${prefix}ns2`, `${prefix}switch`], 'ip netns list');
  t.same(ipn(`${prefix}ns1`, 'route', 'show', 'default').map((x) => x.gateway), ['198.18.1.10']);
  const ns1 = await netns.open(`${prefix}ns1`);
  t.teardown(() => ns1.close());
  t.equal((await ns1.ping('198.18.1.12', { count: 1, timeout: 2000 })).received, 1, 'ns1 -> ns2 after the command exited');

  r = netloom('plan', S2, ...opts);
  t.equal(r.status, 0);
  t.match(r.stdout, `topology '${name}' is up to date: nothing to do`);
  r = netloom('up', S2, ...opts, '--quiet');
  t.equal(r.status, 0);
  t.match(r.stdout, /nothing to do: the kernel already matches the declaration/);
  t.notMatch(r.stdout, /\[links\]/, '--quiet: no step lines');

  r = netloom('down', S2, ...opts);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, `down: topology '${name}': 3 namespace(s) and 0 link(s) elsewhere removed`);
  t.same(named(prefix), [], 'nothing left');
});

t.test('down --name removes a topology by its marks alone', async (t) => {
  const { name, prefix } = unique(t, 'marks');
  t.equal(netloom('up', S2, '--name', name, '--prefix', prefix, '-q').status, 0);
  t.equal(named(prefix).length, 3);
  const r = netloom('down', '--name', name);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, `  - netns ${prefix}ns1\n`);
  t.same(named(prefix), []);
});

t.test('up refuses what a command cannot hold or should not touch, and reports bad files and kernel refusals', async (t) => {
  const file = tmpFiles(t);
  const { name, prefix } = unique(t, 'refuse');
  const opts = ['--name', name, '--prefix', prefix];
  let r = netloom('up', file('anon.yaml', 'name: x\nnamespaces:\n  a: { anonymous: true }\n'), ...opts);
  t.equal(r.status, 1);
  t.match(r.stderr, /^netloom up: namespaces\.a: anonymous namespaces live only as long as the process that made them/);
  const current = file('current.yaml', 'name: x\nnamespaces:\n  host: { current: true, links: [{ kind: bridge, name: br0 }] }\n');
  r = netloom('up', current, ...opts);
  t.equal(r.status, 1);
  t.match(r.stderr, /namespaces\.host: 'current: true' would put links in the namespace netloom runs in .* pass --netns NAME .* or --allow-current/);
  r = netloom('up', file('bad.yaml', 'name: x\nnamespaces:\n  a:\n    links:\n      - { kind: bridge, name: br0, mtu: 70000 }\n'), ...opts);
  t.equal(r.status, 1);
  t.equal(r.stderr, 'netloom up: topology: namespaces.a.links[0].mtu: must be an integer 68..65535, got 70000\n');
  r = netloom('up', file('yaml.yaml', 'name: x\nnamespaces: [\n'), ...opts);
  t.equal(r.status, 1);
  t.match(r.stderr, /not valid YAML/);
  const failing = file('fail.yaml', 'name: x\nnamespaces:\n  a:\n    links: [{ kind: bridge, name: br0, addresses: [198.18.50.1/24] }]\n    routes: [{ dst: 198.18.51.0/24, via: 198.18.52.1 }]\n');
  r = netloom('up', failing, ...opts);
  t.equal(r.status, 1);
  t.match(r.stderr, `netloom up: topology '${name}': apply failed at routes: create route 198.18.51.0/24 via 198.18.52.1 in a (namespaces.a.routes[0])`);
  t.match(r.stderr, /\(ENETUNREACH\); rolled back \d+ change\(s\) this apply had made/);
  t.match(r.stdout, /failed at routes: rolling back/);
  t.same(named(prefix), [], 'nothing left after the failure');

  // --netns: a named namespace stands for 'current: true'.
  const hostName = `${prefix}host`;
  const host = await netns.add(hostName);
  t.teardown(async () => {
    host.close();
    await netns.del(hostName).catch(() => {});
  });
  r = netloom('up', current, ...opts, '--netns', hostName);
  t.equal(r.status, 0, r.stderr);
  t.equal(ipn(hostName, 'link', 'show', 'dev', 'br0')[0].ifalias, `netloom:${name}`, 'br0 made in the --netns namespace');
  r = netloom('down', current, ...opts, '--netns', hostName);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, `  - link host/br0\n`);
  t.same(ipn(hostName, 'link').map((l) => l.ifname), ['lo'], 'br0 removed, the namespace itself left alone');
});

t.test('show: namespaces, links and addresses as a tree (and JSON)', async (t) => {
  const name = uniqueName('nlt-show');
  const ns = await netns.add(name);
  t.teardown(async () => {
    ns.close();
    await netns.del(name).catch(() => {});
  });
  const nl = await open({ netns: ns });
  t.teardown(() => nl.close());
  await nl.link.add({ kind: 'bridge', name: 'br7', up: true });
  await nl.addr.add('br7', '198.18.70.1/24');
  let r = netloom('show');
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^current namespace\n/);
  t.match(r.stdout, new RegExp(`\\nnetns ${name}\\n(├─|└─) lo\\s+loopback\\s+down\\s*\\n└─ br7\\s+bridge\\s+\\S+\\s+198\\.18\\.70\\.1/24\\n`));
  r = netloom('show', '--json');
  t.equal(r.status, 0);
  const mine = JSON.parse(r.stdout).namespaces.find((n) => n.name === name);
  t.ok(mine.links.find((l) => l.name === 'br7')?.addresses.includes('198.18.70.1/24'));
});

t.test('graph: a file as Mermaid, DOT and SVG; the live namespaces', async (t) => {
  const file = tmpFiles(t);
  let r = netloom('graph', S2);
  t.equal(r.status, 0);
  t.match(r.stdout, /^flowchart LR\n/);
  r = netloom('graph', S2, '--format', 'dot');
  t.match(r.stdout, /^graph "s2-bridge/);
  const out = file('s2.svg', '');
  r = netloom('graph', S2, '-f', 'svg', '-o', out);
  t.equal(r.status, 0, r.stderr);
  checkSvg(t, readFileSync(out, 'utf8'), await topology(await loadTopology(S2)).graphData());
  r = netloom('graph', '--live', '-f', 'dot');
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /label="current"/);
});

t.test('demo: built, pinged, shown, torn down', async (t) => {
  const child = spawn(process.execPath, [CLI, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  t.equal(code, 0, stderr);
  t.match(stdout, /^netloom demo: scenario S2, a bridge as a virtual switch for two namespaces\n/);
  t.match(stdout, /ping ns1 -> ns2 \(198\.18\.1\.12\): 2\/2 replies/);
  t.match(stdout, /ping ns1 -> the bridge \(198\.18\.1\.10\): 2\/2 replies/);
  t.match(stdout, new RegExp(`netns netloom-demo-${child.pid}-switch  \\[topology netloom-demo-${child.pid}\\]\\n`));
  t.match(stdout, /[├└]─ veth1_br\s+veth\s+up\s+port of br0\s+<-> netloom-demo-\d+-ns1\/veth1_ns/); // links are listed by ifindex; the two veths are made at once, in either order
  t.match(stdout, /torn down: 3 namespaces removed, nothing left behind\n$/);
  t.same(named(`netloom-demo-${child.pid}-`), []);
});

t.test('demo interrupted with Ctrl-C cleans up and exits 130', async (t) => {
  const child = spawn(process.execPath, [CLI, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(async () => {
    await destroyTopology(`netloom-demo-${child.pid}`).catch(() => {});
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let sent = false;
  child.stdout.on('data', (d) => {
    stdout += d;
    if (!sent && /\[namespaces\]/.test(stdout)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const [code] = await once(child, 'exit');
  t.ok(sent, 'interrupted while building');
  t.equal(code, 130, 'exit code 130');
  t.match(stderr, /netloom: SIGINT: stopping and cleaning up/);
  t.same(named(`netloom-demo-${child.pid}-`), [], 'nothing left behind');
});

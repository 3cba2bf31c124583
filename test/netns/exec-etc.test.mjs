// NetNs.exec/spawn prepare the program's mounts as `ip netns exec` does: a
// private mount namespace (nothing reaches the host's mount table), a fresh
// /sys showing the namespace's links, /etc/netns/NAME/* bound over /etc/*.
// `ip netns exec` is the witness of the same view; the host's own files and
// mount table are read before and after.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netns, open, NetnsExecError } from '../../dist/index.js';
import { topologySandbox } from '../../dist/testing.js';
import { nsexecPath } from '../../dist/netlink/native.js';
import { sandbox, uniqueName } from '../helpers/sandbox.mjs';

// Mounts of the host's mount table that could leak from a program's set-up.
// Other test files running at the same time add and remove /run/netns/NAME
// bind mounts (named namespaces), so those lines are left out of the
// comparison; everything else must be identical.
const hostMounts = () =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !/^\S+ \S+ \S+ \S+ \/run\/netns\//.test(l));

/** A named namespace with a veth pair, and /etc/netns/NAME with `files` in it; all removed when `t` ends. */
async function namedWithEtc(t, files) {
  const name = uniqueName('nletc');
  const ns = await netns.add(name);
  t.teardown(async () => {
    ns.close();
    await netns.del(name).catch(() => {});
  });
  const nl = await open({ netns: ns });
  t.teardown(() => nl.close());
  await nl.link.add({ kind: 'veth', name: 've0', peer: { name: 've1' } });
  const etcNetns = existsSync('/etc/netns');
  const dir = `/etc/netns/${name}`;
  if (files !== undefined) {
    mkdirSync(dir, { recursive: true });
    t.teardown(() => {
      rmSync(dir, { recursive: true, force: true });
      if (!etcNetns) rmSync('/etc/netns', { recursive: true, force: true });
    });
    for (const [entry, content] of Object.entries(files)) {
      if (content === null) mkdirSync(join(dir, entry));
      else writeFileSync(join(dir, entry), content);
    }
  }
  return { name, ns, nl, dir };
}

const ipNetnsExec = (name, ...argv) => execFileSync('ip', ['netns', 'exec', name, ...argv], { encoding: 'utf8' });
const words = (s) => s.split(/\s+/).filter(Boolean).sort();

t.test('exec sees /etc/netns/NAME/resolv.conf and hosts at /etc, as ip netns exec does; the host is untouched', async (t) => {
  const hostResolv = readFileSync('/etc/resolv.conf', 'utf8');
  const hostHosts = readFileSync('/etc/hosts', 'utf8');
  const resolv = 'nameserver 198.18.0.53\nsearch netloom.test\n';
  const hosts = '198.18.0.10 server.netloom.test\n';
  const { name, ns } = await namedWithEtc(t, { 'resolv.conf': resolv, hosts, 'netloom-not-in-etc': 'skipped\n' });
  const before = hostMounts();
  const r = await ns.exec(['sh', '-c', 'cat /etc/resolv.conf; echo ---; cat /etc/hosts; echo ---; ls /etc/netloom-not-in-etc 2>&1 || true']);
  t.equal(r.code, 0, r.stderr);
  const [seenResolv, seenHosts, skipped] = r.stdout.split('---\n');
  t.equal(seenResolv, resolv, '/etc/resolv.conf is /etc/netns/NAME/resolv.conf');
  t.equal(seenHosts, hosts, '/etc/hosts is /etc/netns/NAME/hosts');
  t.match(skipped, /No such file/, 'an entry /etc does not have is skipped, not created');
  t.equal(ipNetnsExec(name, 'cat', '/etc/resolv.conf'), seenResolv, 'ip netns exec sees the same resolv.conf');
  t.equal(ipNetnsExec(name, 'cat', '/etc/hosts'), seenHosts, 'and the same hosts');
  // While a program is still running inside, the host sees none of its mounts.
  const child = ns.spawn(['sh', '-c', 'cat /etc/resolv.conf; exec sleep 30']);
  t.teardown(() => child.kill('SIGKILL'));
  const first = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (b) => resolve(b.toString()));
  });
  t.equal(first, resolv, 'spawn prepares the same view');
  t.same(hostMounts(), before, 'the host mount table is unchanged while it runs');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));
  t.same(hostMounts(), before, 'and after');
  t.equal(readFileSync('/etc/resolv.conf', 'utf8'), hostResolv, 'the host /etc/resolv.conf is unchanged');
  t.equal(readFileSync('/etc/hosts', 'utf8'), hostHosts, 'the host /etc/hosts is unchanged');
});

t.test('/sys/class/net inside lists the namespace links (lo and the veth pair), as ip netns exec shows', async (t) => {
  const { name, ns, nl } = await namedWithEtc(t);
  const ls = await ns.exec(['ls', '/sys/class/net']);
  t.equal(ls.code, 0, ls.stderr);
  t.same(words(ls.stdout), ['lo', 've0', 've1'], 'only the namespace links');
  t.same(words(ipNetnsExec(name, 'ls', '/sys/class/net')), words(ls.stdout), 'ip netns exec lists the same');
  const ifindexes = await ns.exec(['sh', '-c', 'cat /sys/class/net/*/ifindex']);
  const want = (await nl.link.list()).map((l) => String(l.ifindex)).sort();
  t.same(words(ifindexes.stdout), want, 'their ifindexes are those netlink reports in the namespace');
  t.same(words(ipNetnsExec(name, 'sh', '-c', 'cat /sys/class/net/*/ifindex')), want, 'and those ip netns exec shows');
  t.notSame(words(readdirSync('/sys/class/net').join(' ')), words(ls.stdout), 'not the host view');
});

t.test('a named namespace without /etc/netns/NAME runs with the host /etc', async (t) => {
  const { name, ns } = await namedWithEtc(t);
  t.notOk(existsSync(`/etc/netns/${name}`), 'no directory for it');
  const r = await ns.exec(['cat', '/etc/resolv.conf']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, readFileSync('/etc/resolv.conf', 'utf8'), 'the host resolv.conf');
  t.equal(r.stdout, ipNetnsExec(name, 'cat', '/etc/resolv.conf'), 'as ip netns exec');
  const ls = await ns.exec(['ls', '/sys/class/net']);
  t.same(words(ls.stdout), ['lo', 've0', 've1'], '/sys is still fresh');
});

t.test('the options: etcNetns and remountSys off, a directory named for an anonymous namespace', async (t) => {
  const hostResolv = readFileSync('/etc/resolv.conf', 'utf8');
  const { name, ns } = await namedWithEtc(t, { 'resolv.conf': 'nameserver 198.18.0.54\n' });
  t.equal((await ns.exec(['cat', '/etc/resolv.conf'], { etcNetns: false })).stdout, hostResolv, 'etcNetns: false keeps the host file');
  const hostLinks = words(readdirSync('/sys/class/net').join(' '));
  const stale = await ns.exec(['ls', '/sys/class/net'], { remountSys: false });
  t.same(words(stale.stdout), hostLinks, 'remountSys: false keeps the host /sys');
  const hostMnt = readlinkSync('/proc/self/ns/mnt');
  const shared = await ns.exec(['readlink', '/proc/self/ns/mnt'], { remountSys: false, etcNetns: false });
  t.equal(shared.stdout.trim(), hostMnt, 'both off: no mount namespace of its own (like nsenter --net)');
  const own = await ns.exec(['readlink', '/proc/self/ns/mnt']);
  t.not(own.stdout.trim(), hostMnt, 'by default: a mount namespace of its own');
  const { ns: anon } = await sandbox(t);
  t.equal((await anon.exec(['cat', '/etc/resolv.conf'])).stdout, hostResolv, 'an anonymous namespace binds nothing by default');
  const borrowed = await anon.exec(['cat', '/etc/resolv.conf'], { etcNetns: name });
  t.equal(borrowed.stdout, 'nameserver 198.18.0.54\n', 'etcNetns: NAME binds /etc/netns/NAME for it');
  t.throws(() => anon.spawn(['true'], { etcNetns: true }), { name: 'TypeError', message: /etcNetns: the namespace has no name/ });
  // Programmer mistakes throw at the call, before anything starts (like a bad argv).
  t.throws(() => ns.exec(['true'], { etcNetns: 'a/b' }), { name: 'TypeError', message: /etcNetns/ });
  t.throws(() => ns.exec(['true'], { etcNetns: 5 }), { name: 'TypeError', message: /etcNetns/ });
  t.throws(() => ns.exec(['true'], { remountSys: 'yes' }), { name: 'TypeError', message: /remountSys/ });
});

t.test('a failed bind is a NetnsExecError naming the paths, and the program never runs', async (t) => {
  // A directory cannot be bound over a file: mount(2) says ENOTDIR.
  const { name, ns, dir } = await namedWithEtc(t, { 'resolv.conf': 'nameserver 198.18.0.55\n', hosts: null });
  const marker = join(tmpdir(), `netloom-exec-ran-${process.pid}`);
  t.teardown(() => rmSync(marker, { force: true }));
  const before = hostMounts();
  const err = await ns.exec(['touch', marker]).then(
    () => undefined,
    (e) => e,
  );
  t.type(err, NetnsExecError);
  t.match(err, { code: 'ENOTDIR', errno: 20, operation: 'netns.exec', step: 'bind-etc', syscall: 'mount', path: `${dir}/hosts`, target: '/etc/hosts', started: false });
  t.match(err.message, `${dir}/hosts on /etc/hosts`, 'the message names both paths');
  t.notOk(existsSync(marker), 'the program did not run');
  const spawnErr = await new Promise((resolve) => {
    const child = ns.spawn(['touch', marker]);
    child.on('error', resolve);
    child.on('close', () => resolve(undefined));
  });
  t.match(spawnErr, { name: 'NetnsExecError', code: 'ENOTDIR', target: '/etc/hosts' }, 'spawn emits it as error');
  t.notOk(existsSync(marker), 'nor through spawn');
  t.same(hostMounts(), before, 'the half-made mounts died with the helper');
  // /etc/netns/NAME that is a file, not a directory.
  rmSync(dir, { recursive: true });
  writeFileSync(dir, 'not a directory\n');
  await t.rejects(ns.exec(['touch', marker]), { name: 'NetnsExecError', code: 'ENOTDIR', step: 'bind-etc', syscall: 'opendir', path: dir });
  t.notOk(existsSync(marker));
  t.ok(ipNetnsExec(name, 'true') === '', 'ip netns exec, which only warns, still runs (netloom is stricter)');
});

t.test("a topology's named namespaces get their /etc/netns/NAME too", async (t) => {
  const topo = await topologySandbox(t, {
    name: 'etc',
    namespaces: { web: { links: [{ kind: 'veth', name: 'eth0', addresses: ['198.18.61.2/24'], peer: { name: 'eth0', netns: 'db', addresses: ['198.18.61.3/24'] } }] }, db: {} },
  }, { names: 'unique' });
  const name = topo.topology.netnsName('web');
  t.ok(name !== undefined && existsSync(`/run/netns/${name}`), 'web is a named namespace');
  const etcNetns = existsSync('/etc/netns');
  mkdirSync(`/etc/netns/${name}`, { recursive: true });
  t.teardown(() => rmSync(etcNetns ? `/etc/netns/${name}` : '/etc/netns', { recursive: true, force: true }));
  writeFileSync(`/etc/netns/${name}/hosts`, '198.18.61.3 db\n');
  const r = await topo.netns('web').exec(['sh', '-c', 'cat /etc/hosts; ls /sys/class/net']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, '198.18.61.3 db\neth0\nlo\n', 'its hosts file and its links');
  t.equal(r.stdout, ipNetnsExec(name, 'sh', '-c', 'cat /etc/hosts; ls /sys/class/net'), 'as ip netns exec NAME shows');
  const db = await topo.netns('db').exec(['cat', '/etc/hosts']);
  t.equal(db.stdout, readFileSync('/etc/hosts', 'utf8'), 'a namespace without a directory keeps the host file');
});

t.test('the helper reports a failed setns on its report fd and runs nothing', (t) => {
  // Not reachable through NetNs (its fd is always a namespace): the helper's own contract.
  const notNs = openSync('/etc/hostname', 'r');
  t.teardown(() => closeSync(notNs));
  const r = spawnSync(nsexecPath, ['--report', '4', '--sys', '--', '3', 'echo', 'ran'], { stdio: ['ignore', 'pipe', 'pipe', notNs, 'pipe'] });
  t.equal(r.status, 127, 'exit 127');
  t.equal(r.stdout.toString(), '', 'the program did not run');
  t.same(r.output[4].toString().split('\0').slice(0, 3), ['setns', 'setns', '22'], 'step, syscall, EINVAL on the report fd');
  t.match(r.stderr.toString(), /setns: setns: Invalid argument/, 'and a line on stderr');
  const bad = spawnSync(nsexecPath, ['--bogus', '3', 'true'], { encoding: 'utf8' });
  t.equal(bad.status, 127);
  t.match(bad.stderr, /unknown option --bogus/);
  t.end();
});

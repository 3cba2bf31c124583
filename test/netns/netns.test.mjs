// Namespaces on the real kernel: named ones interoperate with `ip netns`,
// anonymous ones vanish with their handle, and the handles open by name,
// PID and path.
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { netns, open, NetNs, NetlinkError } from '../../dist/index.js';
import { ipJson, sandbox, uniqueName } from '../helpers/sandbox.mjs';

const ipNetnsList = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);

t.test('netns.add makes a namespace `ip netns` sees, del removes it', async (t) => {
  const name = uniqueName();
  const ns = await netns.add(name);
  t.teardown(() => {
    ns.close();
    if (existsSync(`/run/netns/${name}`)) execFileSync('ip', ['netns', 'del', name]);
  });
  t.ok(ipNetnsList().includes(name), 'ip netns list shows it');
  t.ok((await netns.list()).includes(name), 'netns.list shows it');
  // The bind mount is the same namespace as our handle.
  t.equal(statSync(`/run/netns/${name}`).ino, ns.inode, 'the mount is our namespace');
  // A new namespace has only lo, and it is DOWN (SCENARIOS S1).
  const links = JSON.parse(execFileSync('ip', ['-n', name, '-j', 'link'], { encoding: 'utf8' }));
  t.same(links.map((l) => l.ifname), ['lo']);
  t.notOk(links[0].flags.includes('UP'), 'lo starts down');
  await t.rejects(netns.add(name), { code: 'EEXIST' }, 'adding the same name again is EEXIST');
  await netns.del(name);
  t.notOk(ipNetnsList().includes(name), 'gone from ip netns list');
  t.notOk(existsSync(`/run/netns/${name}`), 'file removed');
  await t.rejects(netns.del(name), NetlinkError, 'deleting again fails');
});

t.test('netns.open by name opens a namespace made by ip netns add', async (t) => {
  const name = uniqueName();
  execFileSync('ip', ['netns', 'add', name]);
  t.teardown(() => execFileSync('ip', ['netns', 'del', name]));
  execFileSync('ip', ['-n', name, 'link', 'add', 'br-ip', 'type', 'bridge']);
  const ns = await netns.open(name);
  t.teardown(() => ns.close());
  t.equal(ns.name, name);
  const nl = await open({ netns: ns });
  t.teardown(() => nl.close());
  const names = (await nl.link.list()).map((l) => l.name).sort();
  t.same(names, ['br-ip', 'lo'], 'netloom sees the link ip made');
  // open({ netns: 'name' }) opens and releases the namespace itself.
  const nl2 = await open({ netns: name });
  t.teardown(() => nl2.close());
  t.ok((await nl2.link.get('br-ip')).ifindex > 0);
});

t.test('netns.open by pid and by path; equals compares namespaces', async (t) => {
  const child = spawn('unshare', ['--net', 'sleep', '30'], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  // Wait until the child has switched namespace.
  const self = await netns.current();
  t.teardown(() => self.close());
  let byPid;
  for (let i = 0; i < 100; i++) {
    // unshare execs sleep in the same pid once it has switched
    const ns = await netns.open({ pid: child.pid });
    if (!ns.equals(self)) {
      byPid = ns;
      break;
    }
    ns.close();
    await new Promise((r) => setTimeout(r, 20));
  }
  t.ok(byPid, 'the child is in its own namespace');
  t.teardown(() => byPid?.close());
  const byPath = await netns.open({ path: `/proc/${child.pid}/ns/net` });
  t.teardown(() => byPath.close());
  t.ok(byPid.equals(byPath), 'pid and path give the same namespace');
  t.notOk(byPid.equals(self));
  await t.rejects(netns.open({ path: '/etc/hostname' }), { code: 'EINVAL' }, 'a file that is not a namespace is refused');
  await t.rejects(netns.open({ pid: 999999999 }), { code: 'ENOENT' });
  await t.rejects(async () => netns.open({ pid: -1 }), RangeError);
  await t.rejects(async () => netns.open('a/b'), TypeError);
});

t.test('an anonymous namespace vanishes with its handle (its links with it)', async (t) => {
  const { ns: witness, nl } = await sandbox(t);
  const anon = await netns.create();
  t.type(anon, NetNs);
  // A veth pair across the two namespaces: when `anon` dies, the kernel
  // destroys its end and therefore the pair, so the witness end disappears.
  await nl.link.add({ kind: 'veth', name: 'w0', peer: { name: 'a0', netns: anon } });
  t.ok(ipJson(witness, 'link', 'show', 'w0').length === 1, 'pair exists');
  anon.close();
  t.ok(anon.closed);
  anon.close(); // idempotent
  t.throws(() => anon.fd, { code: 'EBADF' }, 'use after close is EBADF');
  let gone = false;
  for (let i = 0; i < 200 && !gone; i++) {
    gone = ipJson(witness, 'link').every((l) => l.ifname !== 'w0');
    if (!gone) await new Promise((r) => setTimeout(r, 25));
  }
  t.ok(gone, 'the namespace and its veth end are gone, so the pair is too');
});

t.test('exec runs a program inside the namespace', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'brx' });
  const r = await ns.exec(['cat', '/sys/class/net/brx/type']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout.trim(), '1', '/sys/class/net shows the namespace links (ARPHRD_ETHER)');
  const ls = await ns.exec(['ls', '/sys/class/net']);
  t.same(ls.stdout.split(/\s+/).filter(Boolean).sort(), ['brx', 'lo']);
  const fail = await ns.exec(['sh', '-c', 'exit 3']);
  t.equal(fail.code, 3, 'exit code passes through');
  const missing = await ns.exec(['/nonexistent/program']);
  t.equal(missing.code, 127, 'a missing program is 127 like a shell');
  const input = await ns.exec(['cat'], { input: 'hello' });
  t.equal(input.stdout, 'hello', 'stdin is fed');
  const killed = await ns.exec(['sleep', '10'], { timeout: 50 });
  t.equal(killed.signal, 'SIGTERM', 'timeout kills');
});

t.test('ping proves connectivity inside the namespace', async (t) => {
  const { ns } = await sandbox(t, { lo: true });
  const r = await ns.ping('127.0.0.1', { count: 2, interval: 10 });
  t.equal(r.received, 2);
  t.equal(r.loss, 0);
  const r6 = await ns.ping('::1', { count: 1 });
  t.equal(r6.received, 1, 'IPv6 too');
  await t.rejects(ns.ping('198.18.200.1', { count: 1, timeout: 100 }), { code: 'ENETUNREACH' }, 'no route is an error');
  await t.rejects(ns.ping('nope'), TypeError);
  await t.rejects(ns.ping('127.0.0.1', { count: 0 }), RangeError);
});

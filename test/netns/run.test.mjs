// NetNs.run (the calling thread inside a namespace for one synchronous call)
// and NetNs.sysctl (net.* sysctls of a namespace), witnessed by /proc, `ss`
// and `sysctl` run inside the namespace with nsenter.
import t from 'tap';
import net from 'node:net';
import { execFile, execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { netns } from '../../dist/index.js';
import { sandbox } from '../helpers/sandbox.mjs';

const inNs = (ns, ...argv) => execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, ...argv], { encoding: 'utf8' });
const threadNs = () => readlinkSync('/proc/thread-self/ns/net');

t.test('run: the thread is inside for the call and back after, also on throw', async (t) => {
  const { ns } = await sandbox(t);
  const before = threadNs();
  const inside = ns.run(() => threadNs());
  t.equal(inside, `net:[${ns.inode}]`, 'inside the namespace during the call');
  t.equal(threadNs(), before, 'back afterwards');
  t.throws(() => ns.run(() => { throw new Error('boom'); }), /boom/, 'the exception passes through');
  t.equal(threadNs(), before, 'and the thread is back after a throw');
  t.throws(() => ns.run(async () => 1), TypeError, 'async callbacks are refused');
  t.equal(ns.run(() => 42), 42, 'the value passes through');
});

t.test('run: a server created inside listens in the namespace', async (t) => {
  const { ns } = await sandbox(t, { lo: true });
  const server = ns.run(() => net.createServer((c) => c.end('hello from inside')).listen(47001));
  t.teardown(() => server.close());
  await new Promise((r) => server.once('listening', r));
  const ss = inNs(ns, 'ss', '-ltnH');
  t.match(ss, /:47001\b/, 'ss inside the namespace sees the listener');
  const host = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
  t.notMatch(host, /:47001\b/, 'the host does not');
  // The client runs asynchronously: our own event loop must stay free to serve it.
  const reply = await new Promise((resolve, reject) =>
    execFile('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/47001 && timeout 5 cat <&3'], { encoding: 'utf8', timeout: 10000 }, (e, out) => (e ? reject(e) : resolve(out))),
  );
  t.equal(reply, 'hello from inside', 'a client inside the namespace reaches it');
});

t.test('sysctl: read and write net.* in the namespace only', async (t) => {
  const { ns } = await sandbox(t);
  const hostForward = execFileSync('sysctl', ['-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim();
  t.equal(await ns.sysctl.get('net.ipv4.ip_forward'), '0', 'a new namespace starts with forwarding off');
  await ns.sysctl.set('net.ipv4.ip_forward', 1);
  t.equal(inNs(ns, 'sysctl', '-n', 'net.ipv4.ip_forward').trim(), '1', 'sysctl inside sees it');
  t.equal(await ns.sysctl.get('net/ipv4/ip_forward'), '1', 'the / form reads the same');
  t.equal(execFileSync('sysctl', ['-n', 'net.ipv4.ip_forward'], { encoding: 'utf8' }).trim(), hostForward, 'the host is unchanged');
  await ns.sysctl.set('net.ipv6.conf.all.disable_ipv6', true);
  t.equal(inNs(ns, 'sysctl', '-n', 'net.ipv6.conf.all.disable_ipv6').trim(), '1');
  await t.rejects(ns.sysctl.get('net.ipv4.nope'), { code: 'ENOENT', name: 'NetlinkError' });
  await t.rejects(ns.sysctl.get('kernel.hostname'), TypeError, 'only net.* (namespace-scoped)');
  await t.rejects(ns.sysctl.get('net/../../kernel/hostname'), TypeError, 'no way out of /proc/sys/net');
  await t.rejects(ns.sysctl.set('net.ipv4.ip_forward', 'x'), { code: 'EINVAL' }, 'the kernel refuses a bad value');
  const other = await netns.create();
  t.teardown(() => other.close());
  t.equal(await other.sysctl.get('net.ipv4.ip_forward'), '0', 'another namespace keeps its own value');
});

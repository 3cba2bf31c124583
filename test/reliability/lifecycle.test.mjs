// Lifecycle and contract: closing, aborting, workers, process exit, fds and
// threads. Each check runs against the real kernel in a throwaway namespace.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { netns, open, NetlinkError, AbortError } from '../../dist/index.js';
import { native } from '../../dist/netlink/native.js';
import { sandbox } from '../helpers/sandbox.mjs';

const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const fdCount = () => readdirSync('/proc/self/fd').length;
const threadNamespaces = () =>
  new Set(readdirSync('/proc/self/task').map((tid) => {
    try {
      return readlinkSync(`/proc/self/task/${tid}/ns/net`);
    } catch {
      return 'gone';
    }
  }).filter((x) => x !== 'gone'));

t.test('close is idempotent; use after close is a typed error', async (t) => {
  const ns = await netns.create();
  t.teardown(() => ns.close());
  const nl = await open({ netns: ns });
  await nl.close();
  await nl.close();
  t.ok(nl.closed);
  await t.rejects(nl.link.list(), { name: 'NetlinkError', code: 'EBADF' });
  await t.rejects(nl.link.add({ kind: 'bridge', name: 'b0' }), { code: 'EBADF' });
});

t.test('close with requests in flight rejects them with ECANCELED', async (t) => {
  const ns = await netns.create();
  t.teardown(() => ns.close());
  const nl = await open({ netns: ns });
  const { RTM_GETLINK } = native.constants;
  // Raw requests are on the wire as soon as request() returns.
  const raw = Array.from({ length: 50 }, () => nl.socket.request('link.get', RTM_GETLINK, 0, { attrs: { ifname: 'lo' } }));
  // link.add validates and resolves first, so these reach the socket a tick later.
  const adds = Array.from({ length: 10 }, (_, i) => nl.link.add({ kind: 'bridge', name: `b${i}` }));
  await nl.close();
  const rawResults = await Promise.allSettled(raw);
  const canceled = rawResults.filter((r) => r.status === 'rejected');
  t.ok(canceled.length > 0, `${canceled.length} of 50 were still pending at close`);
  t.ok(canceled.every((r) => r.reason.code === 'ECANCELED' && r.reason.name === 'NetlinkError'), 'each rejected with NetlinkError ECANCELED');
  const addResults = await Promise.allSettled(adds);
  t.ok(addResults.every((r) => r.status === 'rejected' && ['ECANCELED', 'EBADF'].includes(r.reason.code)), 'operations not yet sent fail with EBADF (closed)');
});

t.test('breaking out of a dump leaves the socket in step', async (t) => {
  const { nl } = await sandbox(t);
  await Promise.all(Array.from({ length: 150 }, (_, i) => nl.link.add({ kind: 'bridge', name: `br${i}`, addrGenMode: 'none' })));
  let seen = 0;
  for await (const link of nl.link.dump()) {
    t.ok(link.name);
    if (++seen === 5) break;
  }
  t.equal(seen, 5);
  // The rest of that dump is drained in the background; the next request
  // and the next dump get their own answers.
  t.equal((await nl.link.get('br7')).name, 'br7');
  t.equal((await nl.link.list()).length, 151);
});

t.test('an AbortSignal stops a dump and a wait; the socket stays usable', async (t) => {
  const { nl } = await sandbox(t);
  await Promise.all(Array.from({ length: 100 }, (_, i) => nl.link.add({ kind: 'bridge', name: `br${i}`, addrGenMode: 'none' })));
  const ac = new AbortController();
  let n = 0;
  await t.rejects(
    (async () => {
      for await (const _ of nl.link.dump(undefined, { signal: ac.signal })) if (++n === 3) ac.abort();
    })(),
    AbortError,
  );
  const pre = new AbortController();
  pre.abort();
  await t.rejects(nl.link.list(undefined, { signal: pre.signal }), AbortError, 'an aborted signal fails before any I/O');
  await t.rejects(nl.link.add({ kind: 'bridge', name: 'never' }, { signal: pre.signal }), AbortError);
  t.equal((await nl.link.list()).some((l) => l.name === 'never'), false, 'nothing was sent');
  t.equal((await nl.link.list()).length, 101);
});

t.test('many requests in flight on one socket are all answered and matched', async (t) => {
  const { nl } = await sandbox(t);
  await Promise.all(Array.from({ length: 100 }, (_, i) => nl.link.add({ kind: 'bridge', name: `br${i}`, addrGenMode: 'none' })));
  // 10,000 GETs at once (far more than the in-flight window of 256, so most
  // queue), each answer checked against its own question.
  const N = 10000;
  const gets = await Promise.all(Array.from({ length: N }, (_, i) => nl.link.get(`br${i % 100}`)));
  let wrong = 0;
  gets.forEach((l, i) => {
    if (l.name !== `br${i % 100}`) wrong++;
  });
  t.equal(wrong, 0, `${N} replies, each matched to its request`);
  t.equal(gets.length, N);
  // And 2,000 changes with ACKs shared per datagram, half of them failing
  // (the kernel's minimum MTU): each settles with its own outcome.
  const sets = await Promise.allSettled(Array.from({ length: 2000 }, (_, i) => nl.link.set(`br${i % 100}`, { mtu: i % 2 === 0 ? 1400 + (i % 7) : 20 })));
  const outcome = sets.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason.code));
  t.equal(outcome.filter((o, i) => o !== (i % 2 === 0 ? 'ok' : 'EINVAL')).length, 0, 'even ones applied, odd ones EINVAL');
  t.equal(nl.socket.pending, 0);
});

t.test('no fd leaks and no thread left in a foreign namespace', async (t) => {
  // Earlier tests' sender threads close their fd copies as they exit, a
  // little after those tests end: take the baseline once the count is steady.
  let before = fdCount();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = fdCount();
    if (now === before) break;
    before = now;
  }
  const nsBefore = threadNamespaces();
  for (let i = 0; i < 30; i++) {
    const ns = await netns.create();
    const nl = await open({ netns: ns });
    await nl.link.list();
    await nl.close();
    ns.close();
  }
  // Sender threads close their fd dup as they exit; give them a moment (up to 5 s on a loaded machine).
  let after = fdCount();
  for (let i = 0; i < 250 && after > before; i++) {
    await new Promise((r) => setTimeout(r, 20));
    after = fdCount();
  }
  t.equal(after, before, `fds back to ${before}`);
  // A fresh thread delivers its result, then exits: allow it those microseconds.
  let same = false;
  for (let i = 0; i < 250 && !same; i++) {
    same = [...threadNamespaces()].join() === [...nsBefore].join();
    if (!same) await new Promise((r) => setTimeout(r, 20));
  }
  t.ok(same, 'every thread is back in (or gone from) the namespace it started in');
});

t.test('works in a worker thread, and a worker can be terminated mid-operation', async (t) => {
  const code = `
    import { netns, open } from ${JSON.stringify(dist)};
    import { parentPort } from 'node:worker_threads';
    const ns = await netns.create();
    const nl = await open({ netns: ns });
    await nl.link.add({ kind: 'bridge', name: 'wbr' });
    const names = (await nl.link.list()).map((l) => l.name).sort();
    parentPort.postMessage(names);
    if (process.env.NL_HANG) { for (let i = 0; i < 500; i++) nl.link.add({ kind: 'bridge', name: 'h' + i }); await new Promise(() => {}); }
    await nl.close(); ns.close();
  `;
  const run = (env) =>
    new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true, env: { ...process.env, ...env }, type: 'module' });
      let msg;
      w.on('message', (m) => {
        msg = m;
        if (env.NL_HANG) setTimeout(() => w.terminate(), 5);
      });
      w.on('error', reject);
      w.on('exit', (c) => resolve({ code: c, msg }));
    });
  const ok = await run({});
  t.same(ok.msg, ['lo', 'wbr']);
  t.equal(ok.code, 0);
  const killed = await run({ NL_HANG: '1' });
  t.same(killed.msg, ['lo', 'wbr'], 'the worker ran');
  t.equal(killed.code, 1, 'terminated, and the main thread is fine');
  t.ok((await netns.create()).close() === undefined, 'still working after a worker died with sockets open');
});

t.test('terminating workers mid-operation, again and again, never crashes the process', async (t) => {
  // Once crashed: a close callback in the addon ran after Node unloaded it
  // for the ending worker (native/uv_close.h), or an error that could no
  // longer be thrown into the dying worker aborted (NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS).
  // In a child process, so a crash is seen as one.
  const body = `
    import { Worker } from 'node:worker_threads';
    const code = \`
      import { netns, open, Tun } from ${JSON.stringify(dist)};
      import { parentPort } from 'node:worker_threads';
      const ns = await netns.create();
      const nl = await open({ netns: ns });
      const tun = await Tun.open({ netns: ns, name: 'wt0' });
      parentPort.postMessage(1);
      // Ten requests are as much "in flight" as three hundred, and thirty
      // namespaces of hundreds of bridges each kept the kernel's namespace
      // cleanup (under RTNL) busy for a minute after this test.
      for (let i = 0; i < 10; i++) nl.link.add({ kind: 'bridge', name: 'h' + i }).catch(() => {});
      for await (const b of tun.batches()) b.release();
    \`;
    for (let k = 0; k < 30; k++) {
      await new Promise((resolve, reject) => {
        const w = new Worker(code, { eval: true, type: 'module' });
        w.on('message', () => setTimeout(() => w.terminate(), k % 10));
        w.on('error', reject);
        w.on('exit', resolve);
      });
    }
    console.log('30 workers terminated');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', body], { encoding: 'utf8', timeout: 60000 });
  t.equal(r.signal, null, `no crash: ${r.stderr}`);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /30 workers terminated/);
  // The kernel tears those thirty namespaces down in the background, under
  // RTNL: wait (bounded) until a request is quick again, so the next tests
  // do not time out behind it.
  const settle = Date.now();
  for (let quick = false; !quick && Date.now() - settle < 90000; ) {
    const t0 = Date.now();
    const ns = await netns.create();
    const nl = await open({ netns: ns });
    await nl.link.add({ kind: 'bridge', name: 'settle0' });
    await nl.close();
    ns.close();
    quick = Date.now() - t0 < 250;
  }
});

t.test('process exit without close, and idle handles do not keep it alive', async (t) => {
  const script = (body) => `import { netns, open } from ${JSON.stringify(dist)};\n${body}`;
  const run = (body) => spawnSync(process.execPath, ['--input-type=module', '-e', script(body)], { encoding: 'utf8', timeout: 20000 });
  const exitMid = run(`const ns = await netns.create(); const nl = await open({ netns: ns });
    for (let i = 0; i < 200; i++) nl.link.add({ kind: 'bridge', name: 'b' + i }).catch(() => {});
    process.exit(0);`);
  t.equal(exitMid.status, 0, `exit with requests in flight: ${exitMid.stderr}`);
  const idle = run(`const ns = await netns.create(); const nl = await open({ netns: ns }); await nl.link.list(); console.log('done');`);
  t.equal(idle.status, 0, idle.stderr);
  t.match(idle.stdout, /done/, 'an idle handle and namespace let the process end');
  const unref = run(`const ns = await netns.create(); const nl = await open({ netns: ns }); nl.unref();
    nl.link.add({ kind: 'bridge', name: 'x' }).then(() => console.log('settled'));`);
  t.equal(unref.status, 0, 'an unref’d handle does not hold the process open');
});

t.test('a handle collected without close() is closed and warned about', async (t) => {
  const body = `import { open, netns } from ${JSON.stringify(dist)};
    process.on('warning', (w) => console.log(w.name + ': ' + w.message));
    const { readdirSync, readlinkSync } = await import('node:fs');
    // Only sockets and namespaces: node opens /dev/null and pipes of its own for the warning output.
    const ours = () => readdirSync('/proc/self/fd').filter((f) => { try { return /^(socket|net):/.test(readlinkSync('/proc/self/fd/' + f)); } catch { return false; } }).length;
    const before = ours();
    await (async () => { const ns = await netns.create(); await open({ netns: ns }); })();
    for (let i = 0; i < 5; i++) { await new Promise((r) => setTimeout(r, 20)); globalThis.gc(); }
    await new Promise((r) => setTimeout(r, 100));
    console.log('fds', before, ours());`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', body], { encoding: 'utf8', timeout: 20000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /NetloomLeakWarning: netloom: a netlink handle was garbage-collected without close\(\)/);
  t.match(r.stdout, /NetloomLeakWarning: netloom: NetNs\(anonymous\) was garbage-collected without close\(\); closed its fd now/);
  const [, before, after] = /fds (\d+) (\d+)/.exec(r.stdout) ?? [];
  t.equal(after, before, 'the socket and namespace fds were closed');
});

t.test('errors are typed NetlinkErrors with the kernel text', async (t) => {
  const { nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'dup' });
  const e = await nl.link.add({ kind: 'bridge', name: 'dup' }).catch((x) => x);
  t.type(e, NetlinkError);
  t.equal(e.code, 'EEXIST');
  t.equal(e.errno, 17);
  t.equal(e.operation, 'link.add');
  t.match(e.message, /^link\.add: /);
  const v = await nl.link.add({ kind: 'vlan', name: 'v10', parent: 'dup', id: 10 }).catch((x) => x);
  t.equal(v.code, 'EOPNOTSUPP');
  t.equal(v.message, "link.add: kernel does not support link kind 'vlan' (Unknown device type) (EOPNOTSUPP)");
  t.equal(v.extack, 'Unknown device type');
  for (const mtu of [-1, 2 ** 32, 1.5]) {
    const m = await nl.link.set('dup', { mtu }).catch((x) => x);
    t.ok(m instanceof RangeError || m instanceof TypeError, `mtu ${mtu} fails before the kernel`);
    t.match(m.message, /^link\.set: mtu: /, 'naming the field');
  }
  // Within the integer range, the device's own limits are the kernel's to judge.
  await nl.link.add({ kind: 'veth', name: 'vm0', peer: { name: 'vm1' } });
  const big = await nl.link.set('vm0', { mtu: 100000 }).catch((x) => x);
  t.type(big, NetlinkError, 'too large for a veth: the kernel says so');
  t.equal(big.code, 'EINVAL');
  t.match(big.extack ?? '', /MTU/i, `with its reason: ${big.extack}`);
  const nodev = await nl.link.del('nope').catch((x) => x);
  t.equal(nodev.code, 'ENODEV');
});

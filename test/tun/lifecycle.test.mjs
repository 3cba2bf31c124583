// TUN/TAP lifecycle: closing while reading, processes that exit (or are
// killed) with devices open, ref/unref, worker threads, garbage collection,
// and no fd or thread left behind.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Tun } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const fdCount = () => readdirSync('/proc/self/fd').length;
const tick = (ms) => new Promise((r) => setTimeout(r, ms));
const linkNames = (ns) => ipJson(ns, 'link', 'show').map((l) => l.ifname).sort();
const threadNamespaces = () =>
  [...new Set(readdirSync('/proc/self/task').map((tid) => {
    try {
      return readlinkSync(`/proc/self/task/${tid}/ns/net`);
    } catch {
      return 'gone';
    }
  }).filter((x) => x !== 'gone'))].sort().join();

// Run an ES module as a child process; resolves with its exit and output.
function child(code, { onLine, env } = {}) {
  const p = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => {
    out += d;
    for (const line of String(d).split('\n')) if (line) onLine?.(line, p);
  });
  p.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => p.kill('SIGKILL'), 20000);
  const done = new Promise((resolve) => p.on('close', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, out, err });
  }));
  return { p, done };
}

t.test('close while reading ends the iterators and pending reads', async (t) => {
  const { ns } = await sandbox(t);
  const tun = await Tun.open({ netns: ns, name: 'r0', queues: 2 });
  const loop = (async () => {
    let n = 0;
    for await (const _ of tun) n++;
    return n;
  })();
  const pending = tun.queues[1].readBatch();
  const batches = (async () => {
    const it = tun.queues[1].batches();
    return (await it.next()).done;
  })();
  await tick(50);
  await tun.close();
  t.equal(await loop, 0, 'the for-await loop ended without an error');
  t.equal(await pending, null, 'a pending readBatch resolved null');
  t.equal(await batches, true, 'a batches() iterator finished');
  t.same(linkNames(ns), ['lo'], 'the device is gone');
});

t.test('a process that exits, or is killed, with devices open leaves nothing', async (t) => {
  const { ns } = await sandbox(t);
  const path = `/proc/${process.pid}/fd/${ns.fd}`;
  const opener = (exit) => `
    import { Tun } from ${JSON.stringify(dist)};
    const a = await Tun.open({ netns: { path: ${JSON.stringify(path)} }, name: 'ex-a', queues: 3, offloads: 'all' });
    const b = await Tun.open({ netns: { path: ${JSON.stringify(path)} }, name: 'ex-b', mode: 'tap' });
    (async () => { for await (const p of a) {} })();
    void b.readBatch();
    console.log('READY');
    ${exit}
  `;
  let sawThem = false;
  const onLine = (line) => {
    if (line === 'READY') sawThem = linkNames(ns).includes('ex-a') && linkNames(ns).includes('ex-b');
  };
  // The child exits when told, once the devices were seen.
  const exited = await child(opener("process.stdin.once('data', () => process.exit(0));"), {
    onLine: (line, p) => {
      onLine(line);
      if (line === 'READY') p.stdin.write('exit now\n');
    },
  }).done;
  t.equal(exited.code, 0, exited.err);
  t.ok(sawThem, 'the devices existed while the child ran');
  t.same(linkNames(ns), ['lo'], 'process.exit with devices open: both gone');
  sawThem = false;
  const killed = await child(opener('setInterval(() => {}, 1000);'), {
    onLine: (line, p) => {
      onLine(line);
      if (line === 'READY') p.kill('SIGKILL');
    },
  }).done;
  t.equal(killed.signal, 'SIGKILL');
  t.ok(sawThem);
  t.same(linkNames(ns), ['lo'], 'SIGKILL with devices open: both gone');
});

t.test('unref: an idle device being read does not keep the process alive; ref does', async (t) => {
  const { ns } = await sandbox(t);
  const path = `/proc/${process.pid}/fd/${ns.fd}`;
  const code = (ref) => `
    import { Tun } from ${JSON.stringify(dist)};
    const tun = await Tun.open({ netns: { path: ${JSON.stringify(path)} }, name: 'idle0' });
    ${ref ? '' : 'tun.unref();'}
    (async () => { for await (const p of tun) {} })();
    console.log('READY');
  `;
  const t0 = Date.now();
  const r = await child(code(false)).done;
  t.equal(r.code, 0, r.err);
  t.ok(Date.now() - t0 < 10000, 'with unref the child exited by itself');
  let alive;
  const held = await child(code(true), {
    onLine: (line, p) => {
      if (line !== 'READY') return;
      setTimeout(() => {
        alive = p.exitCode === null && p.signalCode === null;
        p.kill('SIGTERM');
      }, 500);
    },
  }).done;
  t.ok(alive, 'a referenced device being read kept the child alive');
  t.equal(held.signal, 'SIGTERM');
  t.same(linkNames(ns), ['lo']);
});

t.test('worker threads: a device per worker, and a worker terminated mid-read', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  await ns.sysctl.set('net.ipv6.conf.default.disable_ipv6', 1);
  const path = `/proc/${process.pid}/fd/${ns.fd}`;
  const code = `
    import { Tun } from ${JSON.stringify(dist)};
    import { parentPort, workerData } from 'node:worker_threads';
    const tun = await Tun.open({ netns: { path: workerData.path }, name: workerData.name });
    parentPort.postMessage({ ready: tun.name });
    for await (const p of tun) {
      parentPort.postMessage({ packet: p.length });
      if (workerData.closeAfterOne) { await tun.close(); parentPort.postMessage({ closed: true }); }
    }
  `;
  const start = (name, closeAfterOne) => {
    const w = new Worker(code, { eval: true, type: 'module', workerData: { path, name, closeAfterOne } });
    // Every message is kept from the start: one may arrive before anyone waits for it.
    const msgs = [];
    const waiting = new Set();
    w.on('message', (m) => {
      msgs.push(m);
      for (const f of waiting) f();
    });
    let failure;
    w.on('error', (e) => {
      failure = e;
      for (const f of waiting) f();
    });
    const waitFor = (pred) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = msgs.find(pred);
          if (m || failure) waiting.delete(check);
          if (m) resolve(m);
          else if (failure) reject(failure);
        };
        waiting.add(check);
        check();
      });
    return { w, waitFor };
  };
  const one = start('wk1', true);
  const two = start('wk2', false);
  await one.waitFor((m) => m.ready);
  await two.waitFor((m) => m.ready);
  for (const [name, net] of [['wk1', 1], ['wk2', 2]]) {
    await nl.addr.add(name, `198.18.${net}.1/24`);
    await nl.link.set(name, { up: true });
  }
  const p1 = one.waitFor((m) => m.closed);
  await ns.ping('198.18.1.2', { timeout: 300 });
  await p1;
  t.pass('worker 1 read a packet on its own loop and closed its device');
  const p2 = two.waitFor((m) => m.packet);
  await ns.ping('198.18.2.2', { timeout: 300 });
  await p2;
  t.pass('worker 2 read a packet');
  await two.w.terminate(); // its read loop is still waiting
  t.pass('terminating a worker in the middle of a read does not crash the process');
  await one.w.terminate();
  for (let i = 0; i < 50 && linkNames(ns).length > 1; i++) await tick(20);
  t.same(linkNames(ns), ['lo'], 'both devices are gone (the worker’s env cleanup closed its fd)');
});

t.test('a device dropped without close() is closed at garbage collection, with a warning', async (t) => {
  const { ns } = await sandbox(t);
  const path = `/proc/${process.pid}/fd/${ns.fd}`;
  const code = `
    import { Tun } from ${JSON.stringify(dist)};
    process.on('warning', (w) => { if (w.name === 'NetloomLeakWarning') console.log('WARNED ' + w.message); });
    let tun = await Tun.open({ netns: { path: ${JSON.stringify(path)} }, name: 'leak0' });
    console.log('OPENED');
    await new Promise((r) => process.stdin.once('data', r));
    process.stdin.pause();
    tun = undefined; // dropped without close()
    for (let i = 0; i < 20; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }
    console.log('DONE');
  `;
  let during;
  const r = await child(code, {
    env: { NODE_OPTIONS: '--expose-gc' },
    onLine: (line, p) => {
      if (line !== 'OPENED') return;
      during = linkNames(ns);
      p.stdin.write('collect now\n');
    },
  }).done;
  t.equal(r.code, 0, r.err);
  t.same(during, ['leak0', 'lo']);
  t.match(r.out, /WARNED netloom: a tun queue \(0\) was garbage-collected without close\(\)/);
  t.same(linkNames(ns), ['lo'], 'and its fd was closed then: the device is gone');
});

t.test('no fd leaks, no thread left in a foreign namespace', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  const settle = async (prev) => {
    for (let i = 0; i < 50; i++) {
      await tick(40);
      const now = fdCount();
      if (now === prev) return now;
      prev = now;
    }
    return prev;
  };
  const before = await settle(fdCount());
  const nsBefore = threadNamespaces();
  for (let i = 0; i < 10; i++) {
    const a = await Tun.open({ netns: ns, name: 'fa', queues: 2, offloads: 'all' });
    const b = await Tun.open({ netns: ns, name: 'fb', mode: i % 2 ? 'tap' : 'tun' });
    await nl.link.set('fa', { up: true });
    await a.setCarrier(false);
    await a.queues[1].detach();
    await a.queues[1].attach();
    const reading = a.readBatch();
    a.write(Buffer.from('4500001c00014000401100000a0000010a000002', 'hex'));
    if (i % 2 === 0) void a.queues[1].pipeTo(a.queues[0]).catch(() => {});
    await Promise.all([a.close(), b.close()]);
    t.equal(await reading, null);
  }
  let after = await settle(fdCount());
  for (let i = 0; i < 100 && after > before; i++) {
    await tick(20);
    after = fdCount();
  }
  t.equal(after, before, `fds back to ${before}`);
  let same = false;
  for (let i = 0; i < 100 && !same; i++) {
    same = threadNamespaces() === nsBefore;
    if (!same) await tick(20);
  }
  t.ok(same, 'every thread is back in (or gone from) its own namespace');
  t.same(linkNames(ns), ['lo']);
});

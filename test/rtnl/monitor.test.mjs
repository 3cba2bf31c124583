// The live monitor: typed events for links and addresses as they change,
// other namespaces heard with allNsid, overruns reported, clean stop.
import t from 'tap';
import { spawn } from 'node:child_process';
import { monitor, netns, open } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

// Collect events until `until` returns true (bounded by time).
async function collect(m, until, ms = 5000) {
  const seen = [];
  const timer = setTimeout(() => m.close(), ms);
  for await (const ev of m) {
    seen.push(ev);
    if (until(seen)) break;
  }
  clearTimeout(timer);
  return seen;
}

t.test('link and address events, typed, in order', async (t) => {
  const { ns, nl } = await sandbox(t);
  const m = await monitor(['link', 'addr'], { netns: ns });
  t.teardown(() => m.close());
  await nl.link.add({ kind: 'bridge', name: 'brm', up: true });
  await nl.addr.add('brm', '198.18.5.1/24');
  await nl.link.del('brm');
  const seen = await collect(m, (s) => s.some((e) => e.kind === 'link' && e.action === 'del'));
  const newLink = seen.find((e) => e.kind === 'link' && e.action === 'new' && e.link.name === 'brm');
  t.ok(newLink, 'RTM_NEWLINK for brm');
  t.equal(newLink.link.kind, 'bridge', 'decoded like a dump');
  const addr = seen.find((e) => e.kind === 'addr' && e.action === 'new');
  t.equal(addr?.addr.cidr, '198.18.5.1/24', 'the address event');
  const del = seen.find((e) => e.kind === 'link' && e.action === 'del');
  t.equal(del.link.name, 'brm', 'RTM_DELLINK for brm');
  t.ok(seen.indexOf(newLink) < seen.indexOf(del), 'in kernel order');
  t.equal(m.closed, true, 'breaking out closed it');
});

t.test('allNsid: events from another namespace carry its id', async (t) => {
  const { ns, nl } = await sandbox(t);
  const other = await netns.create();
  t.teardown(() => other.close());
  // A veth across gives the other namespace an id in ours.
  await nl.link.add({ kind: 'veth', name: 'x0', peer: { name: 'x1', netns: other } });
  const id = (await nl.link.get('x0')).linkNetnsid;
  t.type(id, 'number', 'the other namespace has an id here');
  const m = await monitor(['link'], { netns: ns, allNsid: true });
  t.teardown(() => m.close());
  const nlo = await open({ netns: other });
  t.teardown(() => nlo.close());
  await nlo.link.add({ kind: 'bridge', name: 'far' });
  const seen = await collect(m, (s) => s.some((e) => e.kind === 'link' && e.link.name === 'far'));
  const far = seen.find((e) => e.kind === 'link' && e.link.name === 'far');
  t.equal(far?.netnsid, id, 'heard from the other namespace, with its id');
});

t.test('an overrun is reported, not swallowed; the monitor keeps working', async (t) => {
  const { ns, nl } = await sandbox(t);
  const m = await monitor(['link'], { netns: ns, highWaterMark: 50 });
  t.teardown(() => m.close());
  // Nobody reads while 200 links appear: more than the buffer allows.
  await Promise.all(Array.from({ length: 200 }, (_, i) => nl.link.add({ kind: 'bridge', name: `b${i}` })));
  await new Promise((r) => setTimeout(r, 100));
  const first = await m.next();
  t.equal(first.value.kind, 'overrun', 'the first event says events were lost');
  await nl.link.add({ kind: 'bridge', name: 'after' });
  const seen = await collect(m, (s) => s.some((e) => e.kind === 'link' && e.link.name === 'after'));
  t.ok(seen.some((e) => e.kind === 'link' && e.link.name === 'after'), 'and events keep coming');
});

t.test('a kernel-side overrun (ENOBUFS) is an event, and the monitor goes on', async (t) => {
  const { ns, nl } = await sandbox(t);
  const m = await monitor(['link'], { netns: ns, receiveBuffer: 4096 });
  t.teardown(() => m.close());
  // Another process makes 300 links while this thread cannot read (busy for
  // a bounded time): the kernel's queue for the monitor overflows.
  const storm = spawn('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'ip', '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
  storm.stdin.end(Array.from({ length: 300 }, (_, i) => `link add s${i} type bridge\n`).join(''));
  const done = new Promise((r) => storm.on('exit', r));
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    /* keep the event loop from reading */
  }
  await done;
  const seen = [];
  await nl.link.add({ kind: 'bridge', name: 'marker' });
  for await (const ev of m) {
    seen.push(ev);
    if (ev.kind === 'link' && ev.link.name === 'marker') break;
    if (seen.length > 1000) break;
  }
  t.ok(seen.some((e) => e.kind === 'overrun'), 'the overrun is reported');
  t.ok(seen.filter((e) => e.kind === 'link').length < 301, 'some events were lost, as the overrun says');
  t.equal(seen.at(-1).link?.name, 'marker', 'events after the overrun keep coming');
});

t.test('nl.monitor watches the handle\'s own namespace, even after the caller closed its NetNs', async (t) => {
  const ns = await netns.create();
  const nl = await open({ netns: ns });
  t.teardown(() => nl.close());
  ns.close(); // the handle keeps its own reference to the namespace
  const m = await nl.monitor(['link']);
  t.teardown(() => m.close());
  await nl.link.add({ kind: 'bridge', name: 'own' });
  const seen = await collect(m, (s) => s.some((e) => e.kind === 'link' && e.link.name === 'own'));
  t.ok(seen.some((e) => e.kind === 'link' && e.link.name === 'own'), 'the event from the handle\'s namespace');
});

t.test('resync: after an overrun the events bring the caller back to what the kernel has', async (t) => {
  const { ns, nl } = await sandbox(t);
  await Promise.all(Array.from({ length: 50 }, (_, i) => nl.link.add({ kind: 'bridge', name: `old${i}` })));
  const m = await monitor(['link'], { netns: ns, receiveBuffer: 4096, resync: true });
  t.teardown(() => m.close());
  // The caller's view, built from events only, starting from the kernel's state.
  const view = new Set((await nl.link.list()).map((l) => l.name));
  // Another process deletes the 50 and makes 300 while this thread cannot read.
  const lines = [...Array.from({ length: 50 }, (_, i) => `link del old${i}`), ...Array.from({ length: 300 }, (_, i) => `link add new${i} type bridge`)];
  const storm = spawn('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'ip', '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
  storm.stdin.end(lines.join('\n') + '\n');
  const done = new Promise((r) => storm.on('exit', r));
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    /* keep the event loop from reading */
  }
  await done;
  let overruns = 0;
  let resynced = 0;
  let markerSeen = false;
  let pendingResync = false; // an overrun whose resync has not finished yet
  // The storm is over: a marker made now arrives after everything it caused.
  const markerAdded = nl.link.add({ kind: 'bridge', name: 'marker' });
  const timer = setTimeout(() => m.close(), 15000);
  for await (const ev of m) {
    if (ev.kind === 'overrun') {
      overruns++;
      pendingResync = true;
    }
    if (ev.kind === 'resynced') pendingResync = false;
    if (ev.kind === 'link') {
      if (ev.resync) resynced++;
      if (ev.action === 'del') view.delete(ev.link.name);
      else view.add(ev.link.name);
      if (ev.link.name === 'marker') markerSeen = true;
    }
    // Consistent once the marker came through and no resync is outstanding.
    if (markerSeen && !pendingResync) break;
  }
  clearTimeout(timer);
  await markerAdded;
  t.ok(overruns > 0, 'the overrun was reported');
  t.ok(resynced > 0, `${resynced} events came from the resync`);
  const kernel = ipJson(ns, 'link').map((l) => l.ifname).sort();
  t.same([...view].sort(), kernel, 'the view built from events equals what the kernel has (352 links checked)');
});

t.test('abort and bad input', async (t) => {
  const { ns } = await sandbox(t);
  const ac = new AbortController();
  const m = await monitor(['link'], { netns: ns, signal: ac.signal });
  setTimeout(() => ac.abort(), 20);
  await t.rejects((async () => { for await (const _ of m) void _; })(), { name: 'AbortError' });
  t.equal(m.closed, true);
  await t.rejects(monitor([]), TypeError);
  await t.rejects(monitor(['links']), { name: 'TypeError', message: /unknown group 'links'/ });
  await t.rejects(monitor(['link'], { receiveBuffer: 10 }), { name: 'RangeError', message: /^monitor: receiveBuffer/ });
  await t.rejects(monitor(['link'], { resync: true, allNsid: true }), { name: 'TypeError', message: /^monitor: resync/ });
});

// A process killed with SIGKILL in the middle of building a topology of
// anonymous namespaces leaves nothing behind: no link in the host
// namespace, no process, no namespace fd. (Anonymous namespaces live exactly
// as long as their fds; the kernel cleans up when the process dies. Nothing
// here needs the dead process's help.) /run/netns and the mount table are not
// compared: other test files running meanwhile add and remove named
// namespaces there.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

// Builds namespaces forever: each gets a bridge, veth pairs (one end made in
// a second namespace), addresses and routes; says how far it got on stdout.
const child = `
import { netns, open } from ${JSON.stringify(dist)};
const held = [];
for (let i = 0; ; i++) {
  const a = await netns.create();
  const b = await netns.create();
  held.push(a, b);
  const nl = await open({ netns: a });
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
  for (let k = 0; k < 4; k++) {
    await nl.link.add({ kind: 'veth', name: 'h' + k, master: 'br0', up: true, peer: { name: 'eth' + k, netns: b, up: true } });
    await nl.addr.add('br0', '198.18.' + k + '.1/24');
    await nl.route.add({ dst: '198.19.' + k + '.0/24', via: '198.18.' + k + '.2' });
  }
  held.push(nl);
  process.stdout.write('built ' + i + '\\n');
}
`;

const hostLinks = () => readdirSync('/sys/class/net').sort();

t.test('SIGKILL mid-build leaves nothing behind', async (t) => {
  const before = { links: hostLinks() };
  const p = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  // Kill it once it has built a few namespaces and is in the middle of more.
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child built nothing in 20 s: ${err}`)), 20000);
    p.stdout.on('data', (d) => {
      out += d;
      if ((out.match(/built/g) ?? []).length >= 3) {
        clearTimeout(timer);
        resolve();
      }
    });
    p.on('exit', () => reject(new Error(`the child exited early: ${err}`)));
  });
  const exited = new Promise((resolve) => p.on('exit', (code, signal) => resolve(signal)));
  p.kill('SIGKILL');
  t.equal(await exited, 'SIGKILL', 'killed mid-build');
  t.ok(!existsSync(`/proc/${p.pid}`) || readFileSync(`/proc/${p.pid}/stat`, 'utf8').includes(') Z'), 'the process is gone');
  t.same(hostLinks(), before.links, 'no link was left in the host namespace');
});

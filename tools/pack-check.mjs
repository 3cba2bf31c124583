#!/usr/bin/env node
// The package as a user gets it: `npm pack` (which builds the linux-x64 and
// linux-arm64 prebuilds), then, in an empty project, `npm install
// --ignore-scripts` of the tarball (so no install script runs and nothing is
// compiled) and a program that uses it: a bridge made in a fresh namespace,
// witnessed by `ip -j`, and a program run inside it by the prebuilt helper.
// The arm64 prebuild cannot run here: it is checked to be an aarch64 ELF
// exporting the Node-API entry point. Prints TAP (one line a check) for
// .ci/run's tally; exits 1 when a check fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'netloom-pack-check-'));
let n = 0;
let failed = 0;
function check(ok, what, detail = '') {
  n++;
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}`);
  if (!ok && detail) console.log(detail.replace(/^/gm, '  # '));
  return ok;
}
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

/** The machine and the dynamic symbols of an ELF file, by readelf (binutils, installed with g++). */
function elf(file) {
  const header = execFileSync('readelf', ['-h', file], { encoding: 'utf8' });
  const symbols = execFileSync('readelf', ['--dyn-syms', '-W', file], { encoding: 'utf8' });
  return { machine: /Machine:\s*(.*)/.exec(header)?.[1]?.trim() ?? '', exports: (name) => new RegExp(`\\sGLOBAL\\s+DEFAULT\\s+\\d+\\s+${name}$`, 'm').test(symbols) };
}

const program = `
import { execFileSync } from 'node:child_process';
import { netns, open } from 'netloom';
const name = 'netloom-pack-' + process.pid;
const ns = await netns.add(name);
try {
  const nl = await open({ netns: ns });
  try {
    await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
    await nl.addr.add('br0', '198.18.9.1/24');
  } finally {
    await nl.close();
  }
  const ip = (...args) => JSON.parse(execFileSync('ip', ['-j', '-d', '-n', name, ...args], { encoding: 'utf8' }))[0];
  const seen = { ...ip('link', 'show', 'br0'), addr_info: ip('addr', 'show', 'br0').addr_info };
  const ran = await ns.exec(['cat', '/sys/class/net/br0/type']);
  console.log(JSON.stringify({ kind: seen.linkinfo?.info_kind ?? null, ifname: seen.ifname, addr: seen.addr_info.map((a) => a.local + '/' + a.prefixlen), exec: ran.stdout.trim() }));
} finally {
  ns.close();
  await netns.del(name);
}
`;

try {
  console.log('TAP version 14');
  let t0 = Date.now();
  const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (!check(packed.status === 0, `npm pack (with the prebuilds) in ${seconds(t0)} s`, packed.stderr.slice(-3000))) throw new Error('stop');
  // npm pack's JSON comes last, after whatever the prepack build printed.
  const info = JSON.parse(packed.stdout.slice(packed.stdout.lastIndexOf('\n[\n') + 1))[0];
  const tarball = join(work, info.filename);
  const files = info.files.map((f) => f.path);
  console.log(`# tarball ${info.filename}: ${(statSync(tarball).size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${files.length} files`);
  for (const arch of ['x64', 'arm64']) {
    const want = [`prebuilds/linux-${arch}/netloom.glibc.node`, `prebuilds/linux-${arch}/netloom-nsexec`, `prebuilds/linux-${arch}/netloom-cni-shim`];
    check(want.every((f) => files.includes(f)), `the tarball ships ${want.join(' and ')}`);
  }
  check(!files.some((f) => f.startsWith('build/')), 'the tarball has no build/ of this checkout');
  const helper = info.files.find((f) => f.path === 'prebuilds/linux-x64/netloom-nsexec');
  check(helper !== undefined && (helper.mode & 0o111) !== 0, 'the helper program is executable in the tarball');

  const arm = elf(join(root, 'prebuilds/linux-arm64/netloom.glibc.node'));
  check(arm.machine === 'AArch64' && arm.exports('napi_register_module_v1'), `the arm64 addon is an ${arm.machine} ELF exporting napi_register_module_v1`);
  const armHelper = elf(join(root, 'prebuilds/linux-arm64/netloom-nsexec'));
  check(armHelper.machine === 'AArch64', `the arm64 helper is an ${armHelper.machine} ELF`);
  // The helper programs run once per exec and per CNI invocation: they load
  // libc alone (no libstdc++ to relocate) and ask for glibc 2.35 at most.
  for (const arch of ['x64', 'arm64']) {
    for (const program of ['netloom-nsexec', 'netloom-cni-shim']) {
      const file = join(root, 'prebuilds', `linux-${arch}`, program);
      const needed = [...execFileSync('readelf', ['-d', '-W', file], { encoding: 'utf8' }).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]).filter((l) => !l.startsWith('ld-linux'));
      const newest = [...execFileSync('readelf', ['--dyn-syms', '-W', file], { encoding: 'utf8' }).matchAll(/GLIBC_2\.(\d+)/g)].reduce((a, m) => Math.max(a, Number(m[1])), 0);
      check(needed.join(' ') === 'libc.so.6' && newest <= 35, `${arch} ${program} loads ${needed.join(', ')} only, glibc 2.${newest} at most`);
    }
  }

  const project = join(work, 'user-project');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'a-netloom-user', version: '1.0.0', private: true, type: 'module' }));
  t0 = Date.now();
  const inst = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: project, encoding: 'utf8' });
  if (!check(inst.status === 0, `npm install --ignore-scripts of the tarball in an empty project in ${seconds(t0)} s`, inst.stderr.slice(-3000))) throw new Error('stop');
  const installed = join(project, 'node_modules/netloom');
  check(!existsSync(join(installed, 'build')), 'nothing was compiled: no build/ in the installed package');
  check(readdirSync(join(installed, 'prebuilds')).sort().join(' ') === 'linux-arm64 linux-x64', 'the installed package has both prebuilds');
  const script = spawnSync(process.execPath, [join(installed, 'tools/install.mjs')], { cwd: installed, encoding: 'utf8' });
  check(script.status === 0 && /using the native addon at prebuilds\/linux-x64\/netloom\.glibc\.node/.test(script.stdout), `its install script, where allowed, would build nothing: ${script.stdout.trim()}`, script.stderr);
  writeFileSync(join(project, 'bridge.mjs'), program);
  t0 = Date.now();
  const run = spawnSync(process.execPath, ['bridge.mjs'], { cwd: project, encoding: 'utf8', timeout: 60000 });
  if (check(run.status === 0, `a program of that project made a bridge in a fresh namespace in ${seconds(t0)} s`, run.stderr)) {
    const seen = JSON.parse(run.stdout.trim().split('\n').pop());
    check(seen.kind === 'bridge' && seen.ifname === 'br0' && seen.addr.includes('198.18.9.1/24'), `ip -j saw it: ${JSON.stringify(seen)}`);
    check(seen.exec === '1', 'the prebuilt helper ran a program inside the namespace');
  }
} catch (e) {
  if (e.message !== 'stop') check(false, `pack check: ${e.message}`, e.stack ?? '');
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`1..${n}`);
console.log(`# ${n - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

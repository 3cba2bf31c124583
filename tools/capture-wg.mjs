#!/usr/bin/env node
// Capture the generic netlink requests that wireguard-tools' `wg` sends for a
// set of commands and write them as golden fixtures to
// test/fixtures/wireguard/requests.json, for test/wireguard/golden.test.mjs
// to hold netloom's wireguard encoder to.
//
// Usage (as root):  node tools/capture-wg.mjs
//
// This kernel has no wireguard family, so `wg` would stop after its
// CTRL_CMD_GETFAMILY fails. tools/wg-capture/netlink-shim.c (built here
// with gcc into a temporary directory, loaded with LD_PRELOAD) answers wg's
// NETLINK_GENERIC socket instead of the kernel: the family "wireguard" gets
// the made-up id FAMILY_ID, every request an ACK, and every datagram wg
// sends is recorded. Safety: each command runs in a throwaway network
// namespace of its own (`unshare --net`); the shim touches no socket but
// wg's generic netlink one, so nothing reaches any kernel family. Needs wg
// (Debian's wireguard-tools), gcc and unshare.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test/fixtures/wireguard/requests.json');
const SHIM = join(ROOT, 'tools/wg-capture/netlink-shim.c');
const FAMILY_ID = 42;

// Fixed keys (any 32 bytes are keys to wg and to the kernel), named in the commands as {NAME}.
const pattern = (start) => Buffer.from(Array.from({ length: 32 }, (_, i) => (start + i) & 0xff)).toString('base64');
const KEYS = {
  PRIV: pattern(0x10),
  PEER1: pattern(0x40),
  PEER2: pattern(0x60),
  PSK: pattern(0x90),
};
// The keys wg reads from files: written to the temporary directory as FILE_NAME.
const FILES = ['PRIV', 'PSK'];

// Many peers / many allowed IPs: more than one 4096-byte message.
const manyPeers = Array.from({ length: 120 }, (_, i) => `peer ${pattern(0x80 + i)} allowed-ips 198.18.${i >> 4}.${(i & 15) * 16}/28`).join(' ');
const manyIps = Array.from({ length: 200 }, (_, i) => `198.19.${i >> 6}.${(i & 63) * 4}/30`).join(',');

// name | wg arguments (after `wg`), split on spaces
const CASES = `
set-device|set wg0 private-key {FILE_PRIV} listen-port 51820 fwmark 0x42
set-full|set wg0 private-key {FILE_PRIV} listen-port 51820 fwmark 0x42 peer {PEER1} preshared-key {FILE_PSK} endpoint 198.18.0.2:51820 allowed-ips 198.18.1.0/24,2001:db8:1::/64 persistent-keepalive 25
set-peer-v6-endpoint|set wg0 peer {PEER2} endpoint [2001:db8::2]:51821 allowed-ips 198.18.2.0/24
set-peer-remove|set wg0 peer {PEER1} remove
set-clear-allowed-ips|set wg0 peer {PEER1} allowed-ips
set-fwmark-off-keepalive-off|set wg0 listen-port 0 fwmark off peer {PEER1} persistent-keepalive off
set-many-peers|set wg0 ${manyPeers}
set-many-allowed-ips|set wg0 peer {PEER1} preshared-key {FILE_PSK} endpoint 198.18.0.2:51820 allowed-ips ${manyIps} persistent-keepalive 25 peer {PEER2} allowed-ips 198.18.3.0/24
setconf-replace|setconf wg0 {FILE_CONF}
show-dump|show wg0 dump
`;

const CONF = `[Interface]\nPrivateKey = ${KEYS.PRIV}\nListenPort = 51820\n\n[Peer]\nPublicKey = ${KEYS.PEER1}\nAllowedIPs = 198.18.1.0/24\n`;

const tmp = mkdtempSync(join(tmpdir(), 'netloom-wg-'));
try {
  const shim = join(tmp, 'netlink-shim.so');
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-o', shim, SHIM, '-ldl']);
  const paths = {};
  for (const k of FILES) {
    paths[`FILE_${k}`] = join(tmp, k.toLowerCase());
    writeFileSync(paths[`FILE_${k}`], `${KEYS[k]}\n`, { mode: 0o600 });
  }
  paths.FILE_CONF = join(tmp, 'wg0.conf');
  writeFileSync(paths.FILE_CONF, CONF, { mode: 0o600 });
  const version = execFileSync('wg', ['--version'], { encoding: 'utf8' }).trim();
  const out = [];
  for (const line of CASES.trim().split('\n')) {
    const [name, command] = line.split('|');
    const argv = command.split(' ').map((a) => a.replace(/\{(\w+)\}/g, (_, k) => paths[k] ?? KEYS[k]));
    // `allowed-ips` with nothing after it is how wg clears them: an empty argument.
    if (argv[argv.length - 1] === 'allowed-ips') argv.push('');
    const capture = join(tmp, `${name}.hex`);
    const r = spawnSync('unshare', ['--net', 'wg', ...argv], {
      encoding: 'utf8',
      env: { ...process.env, LD_PRELOAD: shim, NETLOOM_WG_CAPTURE: capture, NETLOOM_WG_FAMILY_ID: String(FAMILY_ID) },
    });
    const sent = existsSync(capture) ? readFileSync(capture, 'utf8').trim().split('\n') : [];
    out.push({
      name,
      // The command as run, with the temporary files named by what they hold.
      command: `wg ${command}`.replace(/\{(\w+)\}/g, (m, k) => (k.startsWith('FILE_') ? `<${k.slice(5).toLowerCase()} file>` : m)),
      keys: KEYS,
      ...(name === 'setconf-replace' ? { config: CONF } : {}),
      tool: version,
      capturedWith: 'tools/capture-wg.mjs (LD_PRELOAD tools/wg-capture/netlink-shim.c)',
      familyId: FAMILY_ID,
      exitCode: r.status,
      // Every datagram wg sent, in order: the CTRL_CMD_GETFAMILY first.
      hex: sent,
    });
    console.log(`${name}: ${sent.length} datagram(s), exit ${r.status}${r.stderr ? `: ${r.stderr.trim().split('\n')[0]}` : ''}`);
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
  chmodSync(OUT, 0o644);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

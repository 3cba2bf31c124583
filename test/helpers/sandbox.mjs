// A throwaway network namespace per test, and independent witnesses of what
// the kernel has in it.
//
// The namespace is anonymous: it lives as long as its fd, so even a test
// process killed mid-way leaves nothing behind. The witnesses reach it by
// path (/proc/PID/fd/N) with iproute2 and a fresh sysfs mount — tools that
// are not netloom — so tests assert on what the kernel really holds.
import { execFileSync } from 'node:child_process';
import { sandbox as testingSandbox } from '../../dist/testing.js';

/** Run `ip -j ARGS` inside the namespace behind `ns`; parsed JSON. */
export function ipJson(ns, ...args) {
  const out = execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'ip', '-j', ...args], { encoding: 'utf8' });
  return out.trim() === '' ? [] : JSON.parse(out);
}

/** Run `ip ARGS` inside the namespace; raw text (for commands without JSON). */
export function ipText(ns, ...args) {
  return execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'ip', ...args], { encoding: 'utf8' });
}

// Run a shell command in the namespace with a fresh sysfs mounted, so
// /sys/class/net is the namespace's own view.
function withFreshSysfs(ns, cmd) {
  const script = `umount -l /sys 2>/dev/null; mount -t sysfs sysfs /sys && ${cmd}`;
  return execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'unshare', '--mount', '--propagation', 'slave', 'sh', '-c', script], {
    encoding: 'utf8',
  }).trim();
}

/** Read /sys/class/net/REL as the namespace sees it. */
export function sysClassNet(ns, rel) {
  return withFreshSysfs(ns, `cat /sys/class/net/${rel}`);
}

/** Names of the links /sys/class/net lists in the namespace, sorted. */
export function sysLinks(ns) {
  return withFreshSysfs(ns, 'ls /sys/class/net').split(/\s+/).filter(Boolean).sort();
}

/** ip -j -d link show DEV as one object (or undefined). */
export function ipLink(ns, dev) {
  try {
    return ipJson(ns, '-d', 'link', 'show', 'dev', dev)[0];
  } catch {
    return undefined;
  }
}

/**
 * A fresh anonymous namespace and a netloom handle in it, both closed when
 * the test ends (pass or fail). Options: { lo: true } brings lo up. This is
 * netloom/testing's sandbox, the helper the package gives its users.
 */
export function sandbox(t, opts = {}) {
  return testingSandbox(t, opts);
}

let counter = 0;
/** A unique, short name for named namespaces made by tests (removed in teardown). */
export function uniqueName(prefix = 'nlt') {
  return `${prefix}-${process.pid}-${++counter}`;
}

/** Run `bridge -j ARGS` inside the namespace behind `ns`; parsed JSON. */
export function bridgeJson(ns, ...args) {
  const out = execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'bridge', '-j', ...args], { encoding: 'utf8' });
  return out.trim() === '' ? [] : JSON.parse(out);
}

/** Run `tc -j ARGS` inside the namespace behind `ns`; parsed JSON. */
export function tcJson(ns, ...args) {
  const out = execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'tc', '-j', ...args], { encoding: 'utf8' });
  return out.trim() === '' ? [] : JSON.parse(out);
}

/** Run `tc ARGS` inside the namespace; raw text (tc 6.1 prints htb classes only as text). */
export function tcText(ns, ...args) {
  return execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'tc', ...args], { encoding: 'utf8' });
}

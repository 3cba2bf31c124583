#!/usr/bin/env node
// The programs the test suite runs as independent witnesses of what the
// kernel has, and the Debian packages they come from: the one list that the
// README's "What the tests need" section, `npm test` (tap runs this file
// first and stops with its message when something is missing) and .ci/run
// (which installs what `--missing-packages` prints) all follow.
//
//   node test/preflight.mjs                      check; exit 1 naming what is missing
//   node test/preflight.mjs --missing-packages   print the packages to install, one a line
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian package → the programs of it that tests run. */
export const WITNESSES = {
  iproute2: ['ip', 'bridge', 'tc', 'ss'],
  'util-linux': ['nsenter', 'unshare'],
  // A fresh sysfs for a namespace, libcni's cache bound over /var/lib (test/helpers/cni.mjs).
  mount: ['mount'],
  strace: ['strace'],
  procps: ['sysctl'],
  nftables: ['nft'],
  conntrack: ['conntrack'],
  // test/wireguard/codec.test.mjs checks netloom's X25519 keys against `wg pubkey`;
  // tools/capture-wg.mjs captured the golden requests from `wg`.
  'wireguard-tools': ['wg'],
  // The reference CNI plugins (not on PATH: runtimes find them by CNI_PATH).
  'containernetworking-plugins': ['/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/tuning'],
  // tools/cnitool/build.sh builds cnitool from Debian's source package with it.
  'golang-go': ['go'],
};

function onPath(program) {
  if (program.startsWith('/')) {
    try {
      accessSync(program, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** The packages with at least one program missing, and those programs. */
export function missing() {
  return Object.entries(WITNESSES)
    .map(([pkg, programs]) => [pkg, programs.filter((p) => !onPath(p))])
    .filter(([, programs]) => programs.length > 0);
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const gone = missing();
  if (process.argv.includes('--missing-packages')) {
    for (const [pkg] of gone) console.log(pkg);
  } else {
    const problems = gone.map(([pkg, programs]) => `${programs.join(', ')} (Debian package ${pkg})`);
    if (typeof process.getuid === 'function' && process.getuid() !== 0) problems.push('root: the tests make namespaces and links, run them as root');
    if (problems.length > 0) {
      console.error(`netloom tests: cannot run, missing:\n  ${problems.join('\n  ')}\nInstall with: apt-get install ${gone.map(([pkg]) => pkg).join(' ')}`);
      process.exit(1);
    }
  }
}

#!/usr/bin/env node
// The package's install script: nothing to do when an addon this Node can
// load is already there (the prebuild for this platform shipped in
// prebuilds/, or an earlier build in build/Release); otherwise build it from
// source with node-gyp. The package works without this script ever running
// (npm's --ignore-scripts, or install scripts not approved) wherever a
// prebuild matches: only a platform without one needs it, and a compiler.
//
// Why not always `node-gyp rebuild`: `npx netloom ...` run inside a checkout
// installs the package from that very directory, which runs its install
// script there again: a rebuild, replacing build/ under any program (or
// test run) using it at that moment. After a source change, run
// `npm run build` to rebuild on purpose.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** The addon node-gyp-build would load, if it loads here and its helper program is beside it. */
function loadable() {
  let addon;
  try {
    addon = require('node-gyp-build').resolve(root);
  } catch {
    return undefined; // no build and no prebuild for this platform
  }
  if (!existsSync(join(dirname(addon), 'netloom-nsexec'))) return undefined;
  // In a child: a build for another ABI or a newer glibc fails to load, and must not take this process with it.
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], { stdio: 'ignore' });
  return r.status === 0 ? addon : undefined;
}

/** node-gyp: the one npm runs install scripts with, this package's own (a checkout), or the PATH's. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency of an installed netloom: npm brings its own
  }
  const script = candidates.find((c) => c !== undefined && c !== '' && existsSync(c));
  return script === undefined ? ['node-gyp'] : [process.execPath, script];
}

const found = loadable();
if (found !== undefined) {
  console.log(`netloom: using the native addon at ${found.slice(root.length)}${found.includes('/prebuilds/') ? '' : ' (npm run build to rebuild)'}`);
} else {
  console.log('netloom: no prebuilt addon loads on this platform; building it from source (needs python3, make and a C++17 compiler)');
  const [cmd, ...args] = nodeGyp();
  const r = spawnSync(cmd, [...args, 'rebuild'], { cwd: root, stdio: 'inherit' });
  if (r.error) console.error(`netloom: could not run node-gyp: ${r.error.message}`);
  process.exit(r.status ?? 1);
}

#!/usr/bin/env node
// The package's install script: build the native addon unless a build that
// this Node can load is already there.
//
// Why not always `node-gyp rebuild`: `npx netloom ...` run inside a checkout
// installs the package from that very directory, which runs its install
// script there again: a 40-second rebuild, replacing build/ under any
// program (or test run) using it at that moment. After a source change, run
// `npm run build` (or `npm run build:native`) to rebuild on purpose.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const addon = `${root}build/Release/netloom.node`;
const helper = `${root}build/Release/netloom-nsexec`;

function loads() {
  if (!existsSync(addon) || !existsSync(helper)) return false;
  // In a child: a build for another Node ABI fails to load, and must not take this process with it.
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], { stdio: 'ignore' });
  return r.status === 0;
}

if (loads()) {
  console.log('netloom: native addon already built (npm run build to rebuild)');
} else {
  const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  const r = spawnSync(process.execPath, [nodeGyp, 'rebuild'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

#!/usr/bin/env node
// Builds the binaries the npm package ships, so that `npm i netloom` needs
// no compiler and no install script: the addon and the netloom-nsexec helper
// for linux-x64 and linux-arm64 (glibc), into prebuilds/<platform>-<arch>/,
// where node-gyp-build finds them at run time. Runs as `npm pack`'s prepack.
//
//   node tools/prebuild.mjs            both architectures
//   node tools/prebuild.mjs x64        one
//
// prebuildify runs node-gyp for each; the builds happen in a scratch copy of
// the sources, so build/ (the checkout's own addon, maybe in use by a test
// run) is never replaced by another architecture's.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch as hostArch, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const prebuildify = require('prebuildify');
const nodeGyp = join(root, 'node_modules/.bin/node-gyp');

/** Each architecture's toolchain: Debian's cross compiler where it is not this machine's. */
const TOOLCHAINS = {
  x64: { triplet: 'x86_64-linux-gnu', debianPackage: 'g++-x86-64-linux-gnu' },
  arm64: { triplet: 'aarch64-linux-gnu', debianPackage: 'g++-aarch64-linux-gnu' },
};

// Node's own headers, installed with it (Debian's nodejs, the official
// tarballs): node-gyp then builds offline instead of downloading them.
// Node-API's headers are the same for every architecture.
function nodeHeaders() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include/node/node_api.h'))) return prefix;
  return undefined;
}

function have(program) {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

/** The environment variables that point node-gyp's make at the cross toolchain. */
function crossEnv(arch, stage) {
  if (arch === hostArch()) return {};
  const { triplet, debianPackage } = TOOLCHAINS[arch];
  if (!have(`${triplet}-g++`)) {
    throw new Error(`prebuild: ${arch} needs the cross compiler ${triplet}-g++ (Debian package ${debianPackage})`);
  }
  // The rtnetlink tables are checked (static_assert) against the kernel UAPI
  // headers of this machine (linux-libc-dev); the cross toolchain's own copy
  // (linux-libc-dev-*-cross) can be an older point release that lacks some
  // constants. linux/*.h is architecture-independent, so the cross build
  // reads this machine's; asm/ stays the target's.
  const uapi = join(stage, 'uapi');
  cpSync('/usr/include/linux', join(uapi, 'linux'), { recursive: true });
  return {
    CC: `${triplet}-gcc`,
    CXX: `${triplet}-g++`,
    LINK: `${triplet}-g++`,
    AR: `${triplet}-ar`,
    CPPFLAGS: `-isystem ${uapi}`,
  };
}

async function build(arch) {
  const stage = mkdtempSync(join(tmpdir(), `netloom-prebuild-${arch}-`));
  const saved = { ...process.env };
  try {
    for (const f of ['binding.gyp', 'package.json', 'native']) cpSync(join(root, f), join(stage, f), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'));
    const env = crossEnv(arch, stage);
    // libstdc++ stays dynamic: linked in, it would pull glibc 2.36's
    // arc4random and 2.35's _dl_find_object, shutting out more systems than
    // GCC 12's libstdc++ (GLIBCXX_3.4.30, Ubuntu 22.04 and Debian 12 on) does.
    // The helper programs are different (binding.gyp): netloom-nsexec links
    // the few parts of libstdc++ it uses statically (without -rdynamic, so
    // random_device and its arc4random are dropped: glibc 2.35 at most), and
    // netloom-cni-shim needs libc alone.
    Object.assign(process.env, env, { JOBS: 'max', npm_config_nodedir: nodeHeaders() });
    const strip = env.CC === undefined ? 'strip' : `${TOOLCHAINS[arch].triplet}-strip`;
    return await new Promise((resolve, reject) => {
      prebuildify(
        {
          napi: true,
          // Node-API: one build serves every Node version from 20 on; the target only names the headers.
          targets: [process.versions.node],
          arch,
          strip: true,
          stripBin: strip,
          tagLibc: true,
          cwd: stage,
          out: root,
          nodeGyp,
          quiet: process.env.CI === undefined,
        },
        (err) => {
          if (err) return reject(new Error(`prebuild: ${arch}: ${err.message}`));
          // prebuildify ships the .node file; the helper programs go beside it.
          for (const program of ['netloom-nsexec', 'netloom-cni-shim']) {
            const dest = join(root, 'prebuilds', `linux-${arch}`, program);
            copyFileSync(join(stage, 'build/Release', program), dest);
            const s = spawnSync(strip, [dest], { stdio: 'inherit' });
            if (s.status !== 0) return reject(new Error(`prebuild: ${strip} ${dest} failed`));
            chmodSync(dest, 0o755);
          }
          resolve(join(root, 'prebuilds', `linux-${arch}`));
        },
      );
    });
  } finally {
    process.env = saved;
    rmSync(stage, { recursive: true, force: true });
  }
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(TOOLCHAINS);
rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
try {
  for (const arch of wanted) {
    if (!(arch in TOOLCHAINS)) throw new Error(`prebuild: unknown architecture '${arch}' (x64 or arm64)`);
    const t0 = Date.now();
    await build(arch);
    console.error(`prebuild: linux-${arch} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
} catch (e) {
  console.error(e.message);
  process.exit(1);
}

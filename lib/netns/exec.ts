/**
 * Running programs inside a namespace, the way `ip netns exec` does.
 * @module
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { nsexecPath } from '../netlink/native.js';
import { reportStdio, setupArgs, watchSetup, type NetnsMountOptions } from './exec-setup.js';

/**
 * Options of `NetNs.spawn`: Node's spawn options, minus what netloom must
 * control, and how the program's mounts are prepared.
 */
export type NetnsSpawnOptions = Omit<SpawnOptions, 'argv0' | 'detached' | 'shell'> & NetnsMountOptions;

/** Options of `NetNs.exec`. */
export interface NetnsExecOptions extends NetnsMountOptions {
  /** Working directory. */
  cwd?: string;
  /** Environment. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the program (SIGTERM) after this many milliseconds. */
  timeout?: number;
  /** Stop waiting and kill the program when this signal aborts. */
  signal?: AbortSignal;
  /** Bytes of stdout/stderr to keep, each. Default 16 MiB; beyond it the program is killed. */
  maxBuffer?: number;
}

/** What a finished program left: its exit code or the signal that ended it, and its output. */
export interface NetnsExecResult {
  /** Exit code, or null if a signal ended it. */
  code: number | null;
  /** The signal that ended it, or null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function checkArgv(argv: readonly string[], operation: string): void {
  if (!Array.isArray(argv) || argv.length === 0) throw new TypeError(`${operation}: argv: must be a non-empty array of strings`);
  argv.forEach((a, i) => {
    if (typeof a !== 'string') throw new TypeError(`${operation}: argv[${i}]: must be a string`);
  });
}

/** The namespace a program is started in: its fd, and its name under /run/netns if it has one. */
export interface ExecTarget {
  fd: number;
  name: string | undefined;
}

/**
 * Start `argv` inside the namespace `ns` and return Node's ChildProcess.
 * The namespace fd is handed to the helper as fd 3 and closed by it before
 * the program runs; fd 4 carries its report of a failed set-up step, which
 * the ChildProcess emits as 'error' (a NetnsExecError).
 */
export function spawnIn(ns: ExecTarget, argv: readonly string[], opts: NetnsSpawnOptions = {}, operation = 'netns.spawn'): ChildProcess {
  checkArgv(argv, operation);
  const { remountSys, etcNetns, ...spawnOpts } = opts;
  const mounts: NetnsMountOptions = {};
  if (remountSys !== undefined) mounts.remountSys = remountSys;
  if (etcNetns !== undefined) mounts.etcNetns = etcNetns;
  const setup = setupArgs(ns.name, mounts, operation);
  const stdio = spawnOpts.stdio ?? 'pipe';
  const base = typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio].slice(0, 3);
  while (base.length < 3) base.push('pipe');
  const extra = Array.isArray(stdio) ? stdio.slice(3) : [];
  if (extra.length > 0) throw new TypeError(`${operation}: stdio: only stdin, stdout and stderr can be set`);
  const child = nodeSpawn(nsexecPath, [...setup, '3', ...argv], { ...spawnOpts, stdio: [...base, ns.fd, reportStdio] as SpawnOptions['stdio'] });
  watchSetup(child, operation);
  return child;
}

/**
 * Run `argv` inside the namespace `ns` to completion and collect its output;
 * rejects with a NetnsExecError when the namespace could not be prepared.
 */
export function execIn(ns: ExecTarget, argv: readonly string[], opts: NetnsExecOptions = {}): Promise<NetnsExecResult> {
  const maxBuffer = opts.maxBuffer ?? 16 * 1024 * 1024;
  const spawnOpts: NetnsSpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'] };
  if (opts.cwd !== undefined) spawnOpts.cwd = opts.cwd;
  if (opts.env !== undefined) spawnOpts.env = opts.env;
  if (opts.timeout !== undefined) spawnOpts.timeout = opts.timeout;
  if (opts.signal !== undefined) spawnOpts.signal = opts.signal;
  if (opts.remountSys !== undefined) spawnOpts.remountSys = opts.remountSys;
  if (opts.etcNetns !== undefined) spawnOpts.etcNetns = opts.etcNetns;
  const child = spawnIn(ns, argv, spawnOpts, 'netns.exec');
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    child.stdout?.on('data', (b: Buffer) => {
      outLen += b.length;
      if (outLen <= maxBuffer) out.push(b);
      else child.kill();
    });
    child.stderr?.on('data', (b: Buffer) => {
      errLen += b.length;
      if (errLen <= maxBuffer) err.push(b);
      else child.kill();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin?.on('error', () => {
      /* the program may exit without reading its input */
    });
    child.stdin?.end(opts.input);
  });
}

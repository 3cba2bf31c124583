/**
 * Running another plugin the way a runtime does (IPAM plugins, chained
 * ones): found by its type in CNI_PATH, the same CNI_* environment with the
 * command given, the configuration on stdin; its result or error object read
 * back from stdout.
 * @module
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { CniError } from './errors.js';
import { normaliseResult } from './version.js';
import type { CniCommand, CniEnv, CniNetConf, CniResult } from './types.js';

/** The path of plugin `type` in CNI_PATH (the first executable one). */
export function findPlugin(type: string, path: readonly string[]): string {
  if (type === '' || type.includes('/')) throw new CniError('invalidNetworkConfig', `plugin type ${JSON.stringify(type)} is not a plain name`);
  for (const dir of path) {
    const file = join(dir, type);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not there: the next directory
    }
  }
  throw new CniError('invalidNetworkConfig', `plugin ${JSON.stringify(type)} not found in CNI_PATH (${path.join(':') || 'empty'})`);
}

/** Options of {@link delegate}. */
export interface DelegateOptions {
  /** Kill the plugin after this many milliseconds. Default 60 s. */
  timeout?: number;
}

/** What a plugin printed and how it exited. */
interface PluginOutput {
  code: number | null;
  /** stdout parsed as JSON, or undefined when it was empty or not JSON. */
  parsed: Record<string, unknown> | undefined;
  stderr: string;
}

/** Run plugin `type` for `command` with `conf` on stdin; its exit code and output, errors not yet interpreted. */
async function execPlugin(type: string, command: CniCommand, conf: unknown, env: CniEnv, opts: DelegateOptions): Promise<PluginOutput> {
  const file = findPlugin(type, env.path);
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CNI_COMMAND: command,
    CNI_CONTAINERID: env.containerId ?? '',
    CNI_NETNS: env.netns ?? '',
    CNI_IFNAME: env.ifname ?? '',
    CNI_ARGS: Object.entries(env.args).map(([k, v]) => `${k}=${v}`).join(';'),
    CNI_PATH: env.path.join(':'),
  };
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(file, [], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeout ?? 60000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new CniError('ioFailure', `${type}: could not run ${file}: ${e.message}`)));
    child.on('close', (c) => resolve({ code: c, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined); // a plugin that exits without reading
    child.stdin.end(JSON.stringify(conf));
  });
  const parsed = (() => {
    try {
      return stdout.trim() === '' ? undefined : (JSON.parse(stdout) as Record<string, unknown>);
    } catch {
      return undefined;
    }
  })();
  if (code !== 0) {
    if (parsed !== undefined && typeof parsed.code === 'number') {
      throw new CniError(parsed.code, `${type}: ${String(parsed.msg ?? 'failed')}`, typeof parsed.details === 'string' ? parsed.details : undefined);
    }
    throw new CniError('ioFailure', `${type} ${command} exited with ${String(code)}${stderr.trim() === '' ? '' : `: ${stderr.trim().slice(0, 500)}`}`);
  }
  return { code, parsed, stderr };
}

/**
 * Run plugin `type` for `command` with `conf` on stdin. ADD and its result:
 * resolves with it (1.x form); DEL, CHECK, STATUS and GC: resolves with
 * undefined. The plugin's error object becomes a {@link CniError} with its
 * code.
 */
export async function delegate(type: string, command: CniCommand, conf: CniNetConf, env: CniEnv, opts: DelegateOptions = {}): Promise<CniResult | undefined> {
  const { parsed } = await execPlugin(type, command, conf, env, opts);
  if (command !== 'ADD') return undefined;
  if (parsed === undefined) throw new CniError('decodingFailure', `${type}: ADD printed no JSON result`);
  return normaliseResult(parsed, conf.cniVersion);
}

/**
 * The spec versions plugin `type` says it supports (its VERSION answer), so
 * that a 1.1.0 command (STATUS, GC) is handed only to a plugin that knows it.
 */
export async function supportedVersions(type: string, env: CniEnv, opts: DelegateOptions = {}): Promise<string[]> {
  const { parsed } = await execPlugin(type, 'VERSION', { cniVersion: '1.1.0' }, env, opts);
  const versions = parsed?.supportedVersions;
  if (!Array.isArray(versions) || !versions.every((v): v is string => typeof v === 'string')) {
    throw new CniError('decodingFailure', `${type}: VERSION printed no supportedVersions list`);
  }
  return versions;
}

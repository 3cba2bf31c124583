/**
 * The skeleton of a CNI plugin on netloom: read the environment and stdin,
 * check the version, run the handler of the command, print the result or
 * the error object, and exit as the spec says (0 on success, 1 on error).
 * For programs that implement a plugin of their own (`netloom/cni`).
 * @module
 */
import { parseConfig, parseEnv } from './env.js';
import { CniError } from './errors.js';
import { SUPPORTED_VERSIONS, checkCommandVersion, resultFor } from './version.js';
import type { CniEnv, CniNetConf, CniResult, CniVersion } from './types.js';

/** What a plugin does for each command. VERSION is answered by {@link runPlugin}. */
export interface CniHandlers {
  /** ADD: attach the container; resolve with the result (chained plugins: `conf.prevResult` with theirs added). */
  add(conf: CniNetConf, env: CniEnv): Promise<CniResult>;
  /** Must succeed when the container, its namespace or its interface are gone already. */
  del(conf: CniNetConf, env: CniEnv): Promise<void>;
  /** CHECK: throw a CniError when the attachment `conf.prevResult` describes is not as it should be. */
  check(conf: CniNetConf, env: CniEnv): Promise<void>;
  /** STATUS (1.1.0): throw a CniError (code 50 or 51) when the plugin cannot serve ADDs. */
  status?(conf: CniNetConf, env: CniEnv): Promise<void>;
  /** GC (1.1.0): release what belongs to attachments not in `valid`. */
  gc?(conf: CniNetConf, env: CniEnv, valid: Array<{ containerID: string; ifname: string }>): Promise<void>;
}

/** What {@link runPlugin} hands back: what to print and the exit code. */
export interface CniOutcome {
  stdout: string;
  exitCode: 0 | 1;
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Run one plugin invocation. `stdin`/`env` default to the process's; the
 * outcome is returned (print it and exit with its code, as the bin does).
 */
export async function runPlugin(handlers: CniHandlers, opts: { env?: NodeJS.ProcessEnv; stdin?: string | NodeJS.ReadableStream } = {}): Promise<CniOutcome> {
  let version: CniVersion = '1.1.0';
  try {
    const env = parseEnv(opts.env ?? process.env);
    const text = typeof opts.stdin === 'string' ? opts.stdin : await readStdin(opts.stdin ?? process.stdin);
    if (env.command === 'VERSION') {
      // The configuration is optional here (the spec sends { cniVersion }).
      return { stdout: `${JSON.stringify({ cniVersion: '1.1.0', supportedVersions: SUPPORTED_VERSIONS })}\n`, exitCode: 0 };
    }
    const conf = parseConfig(text);
    version = conf.cniVersion;
    checkCommandVersion(env.command, version);
    switch (env.command) {
      case 'ADD':
        return { stdout: `${JSON.stringify(resultFor(await handlers.add(conf, env), version))}\n`, exitCode: 0 };
      case 'DEL':
        await handlers.del(conf, env);
        return { stdout: '', exitCode: 0 };
      case 'CHECK':
        await handlers.check(conf, env);
        return { stdout: '', exitCode: 0 };
      case 'STATUS':
        await handlers.status?.(conf, env);
        return { stdout: '', exitCode: 0 };
      case 'GC': {
        const raw = conf['cni.dev/valid-attachments'];
        const valid = Array.isArray(raw) ? (raw as Array<{ containerID: string; ifname: string }>) : [];
        await handlers.gc?.(conf, env, valid);
        return { stdout: '', exitCode: 0 };
      }
    }
  } catch (e) {
    return { stdout: `${JSON.stringify(CniError.from(e).toJSON(version))}\n`, exitCode: 1 };
  }
}

/**
 * netloom-bridge's IPAM calls: netloom-ipam runs in this process, any other
 * IPAM plugin is executed through CNI_PATH as the spec says. STATUS and GC
 * (1.1.0) reach a foreign IPAM only when its VERSION answer lists the
 * configuration's version, as libcni decides for top-level plugins, so that
 * an older IPAM (Debian's host-local speaks up to 1.0.0) is left alone
 * instead of failing the whole command.
 * @module
 */
import { delegate, supportedVersions } from './delegate.js';
import { ipamPlugin } from './ipam.js';
import type { CniEnv, CniNetConf, CniResult } from './types.js';

/** The attachments a GC keeps. */
type Valid = Array<{ containerID: string; ifname: string }>;

const typeOf = (conf: CniNetConf): string | undefined => (conf.ipam as { type?: string } | undefined)?.type;

/** Run the IPAM for ADD (resolves with its result), DEL or CHECK. */
export async function ipam(command: 'ADD' | 'DEL' | 'CHECK', conf: CniNetConf, env: CniEnv): Promise<CniResult | undefined> {
  const type = typeOf(conf) as string;
  if (type !== 'netloom-ipam') return delegate(type, command, conf, env);
  if (command === 'ADD') return ipamPlugin.add(conf, env);
  await (command === 'DEL' ? ipamPlugin.del(conf, env) : ipamPlugin.check(conf, env));
  return undefined;
}

/** Hand STATUS or GC to the IPAM when it speaks the configuration's version. */
export async function ipamLifecycle(command: 'STATUS' | 'GC', conf: CniNetConf, env: CniEnv, valid: Valid = []): Promise<void> {
  const type = typeOf(conf);
  if (type === undefined) return;
  if (type === 'netloom-ipam') {
    await (command === 'GC' ? ipamPlugin.gc?.(conf, env, valid) : ipamPlugin.status?.(conf, env));
    return;
  }
  if (!(await supportedVersions(type, env)).includes(conf.cniVersion)) return;
  await delegate(type, command, conf, env);
}

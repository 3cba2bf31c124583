/**
 * `netloom/cni`: write CNI plugins on netloom. The environment and the
 * configuration parsed with the spec's error codes, typed results, the
 * run-one-invocation skeleton, and delegation to IPAM (or any) plugins
 * through CNI_PATH; and `netloom-bridge`'s handlers, to wrap or extend.
 *
 * ```ts
 * import { runPlugin, delegate } from 'netloom/cni';
 * const out = await runPlugin({ add: async (conf, env) => ..., del: ..., check: ... });
 * process.stdout.write(out.stdout, () => process.exit(out.exitCode));
 * ```
 * @module
 */
export type { CniVersion, CniCommand, CniEnv, CniIpamConfig, CniDns, CniNetConf, CniInterface, CniIpConfig, CniRoute, CniResult, CniVersionResult } from './types.js';
export { CniError, CNI_ERRORS, type CniErrorName } from './errors.js';
export { parseEnv, parseConfig } from './env.js';
export { SUPPORTED_VERSIONS, checkCommandVersion, resultFor, normaliseResult } from './version.js';
export { delegate, findPlugin, type DelegateOptions } from './delegate.js';
export { runPlugin, type CniHandlers, type CniOutcome } from './plugin.js';
export { bridgePlugin } from './bridge.js';
export { ipamPlugin } from './ipam.js';
export { vxlanPlugin, vtepMac, type VxlanNode } from './vxlan.js';
export { checkBridgeConf, type BridgeConf } from './bridge-conf.js';

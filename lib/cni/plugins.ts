/**
 * The plugin types netloom-cni implements, and the handlers that hand each
 * command to the one the configuration's `type` names: what the one-shot
 * executable and the daemon both run.
 * @module
 */
import { bridgePlugin } from './bridge.js';
import { CniError } from './errors.js';
import { ipamPlugin } from './ipam.js';
import type { CniHandlers } from './plugin.js';
import { vxlanPlugin } from './vxlan.js';

/** Plugin types by name. */
export const PLUGINS: Readonly<Record<string, CniHandlers>> = { 'netloom-bridge': bridgePlugin, 'netloom-ipam': ipamPlugin, 'netloom-vxlan': vxlanPlugin };

function pick(type: string): CniHandlers {
  const p = PLUGINS[type];
  if (p === undefined) throw new CniError('invalidNetworkConfig', `type: netloom-cni implements ${Object.keys(PLUGINS).join(', ')}, not ${JSON.stringify(type)}`);
  return p;
}

/** Each command handed to the plugin the configuration names. */
export const dispatch: CniHandlers = {
  add: (conf, env) => pick(conf.type).add(conf, env),
  del: (conf, env) => pick(conf.type).del(conf, env),
  check: (conf, env) => pick(conf.type).check(conf, env),
  status: async (conf, env) => pick(conf.type).status?.(conf, env),
  gc: async (conf, env, valid) => pick(conf.type).gc?.(conf, env, valid),
};

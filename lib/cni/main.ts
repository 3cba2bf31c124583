#!/usr/bin/env node
/**
 * The `netloom-cni` executable: one program for every netloom plugin type.
 * Install it (or a link to it) in a runtime's CNI bin directory under the
 * type's name (`netloom-bridge`); the configuration's `type` picks the
 * plugin. Prints the result or the error object and exits 0 or 1.
 * @module
 */
import { bridgePlugin } from './bridge.js';
import { ipamPlugin } from './ipam.js';
import { vxlanPlugin } from './vxlan.js';
import { CniError } from './errors.js';
import { runPlugin, type CniHandlers } from './plugin.js';

/** Plugin types this executable implements. */
const PLUGINS: Record<string, CniHandlers> = { 'netloom-bridge': bridgePlugin, 'netloom-ipam': ipamPlugin, 'netloom-vxlan': vxlanPlugin };

function pick(type: string): CniHandlers {
  const p = PLUGINS[type];
  if (p === undefined) throw new CniError('invalidNetworkConfig', `type: netloom-cni implements ${Object.keys(PLUGINS).join(', ')}, not ${JSON.stringify(type)}`);
  return p;
}

// Each command is handed to the plugin the configuration names.
const dispatch: CniHandlers = {
  add: (conf, env) => pick(conf.type).add(conf, env),
  del: (conf, env) => pick(conf.type).del(conf, env),
  check: (conf, env) => pick(conf.type).check(conf, env),
  status: async (conf, env) => pick(conf.type).status?.(conf, env),
  gc: async (conf, env, valid) => pick(conf.type).gc?.(conf, env, valid),
};

const outcome = await runPlugin(dispatch);
process.stdout.write(outcome.stdout, () => process.exit(outcome.exitCode));

#!/usr/bin/env node
// A CNI plugin of your own on netloom/cni: `netloom-example-sysctl`, a
// chained plugin that writes sysctls inside the container's namespace
// (like the reference `tuning` plugin's sysctl part) and passes the
// previous plugins' result on. Install it under its type's name in the
// runtime's CNI bin directory and chain it after an interface plugin:
//
//   { "cniVersion": "1.0.0", "name": "net", "plugins": [
//       { "type": "netloom-bridge", "bridge": "cni0", "isGateway": true, "ipam": { "type": "netloom-ipam", "subnet": "198.18.90.0/24" } },
//       { "type": "netloom-example-sysctl", "sysctls": { "net.ipv4.conf.all.rp_filter": 2 } } ] }
import { netns } from 'netloom';
import { CniError, runPlugin } from 'netloom/cni';

function sysctlsOf(conf) {
  const s = conf.sysctls ?? {};
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new CniError('invalidNetworkConfig', 'sysctls: must be an object of name: value');
  for (const [name, value] of Object.entries(s)) {
    if (!name.startsWith('net.')) throw new CniError('invalidNetworkConfig', `sysctls.${name}: only network sysctls (net.*) are per namespace`);
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new CniError('invalidNetworkConfig', `sysctls.${name}: must be a string, number or boolean`);
  }
  return s;
}

const outcome = await runPlugin({
  async add(conf, env) {
    if (conf.prevResult === undefined) throw new CniError('invalidNetworkConfig', 'prevResult: this plugin is chained after one that makes the interface');
    const ns = await netns.open({ path: env.netns });
    try {
      for (const [name, value] of Object.entries(sysctlsOf(conf))) await ns.sysctl.set(name, value);
    } finally {
      ns.close();
    }
    return conf.prevResult; // pass the chain's result on
  },
  async del() {
    // Nothing to undo: the namespace's sysctls go with it.
  },
  async check(conf, env) {
    const ns = await netns.open({ path: env.netns });
    try {
      for (const [name, value] of Object.entries(sysctlsOf(conf))) {
        const now = await ns.sysctl.get(name);
        const want = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
        if (now !== want) throw new CniError('ioFailure', `${name} is ${now}, not ${want}`);
      }
    } finally {
      ns.close();
    }
  },
});
process.stdout.write(outcome.stdout, () => process.exit(outcome.exitCode));

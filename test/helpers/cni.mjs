// Running CNI plugins the way a runtime does, in test namespaces: the
// "host" is a throwaway namespace of its own (the plugin runs inside it),
// containers are throwaway namespaces reached by /proc/PID/fd/N paths, the
// IPAM's leases live in a temporary directory. netloom-cni is
// dist/cni/main.js; the reference plugins are Debian's, in /usr/lib/cni.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { netns } from '../../dist/index.js';

export const NETLOOM_CNI = fileURLToPath(new URL('../../dist/cni/main.js', import.meta.url));
export const REF_DIR = '/usr/lib/cni';

/** A host namespace, a lease directory, and a maker of container namespaces; all gone at teardown. */
export async function cniHost(t) {
  const host = await netns.create();
  const dataDir = mkdtempSync(join(tmpdir(), 'netloom-cni-'));
  const made = [];
  t.teardown(() => {
    for (const ns of made) ns.close();
    host.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const container = async () => {
    const ns = await netns.create();
    made.push(ns);
    return ns;
  };
  return { host, dataDir, container };
}

/** A bridge network configuration for plugin `type`, host-local IPAM under dataDir. */
export function bridgeConf(type, dataDir, extra = {}) {
  return {
    cniVersion: '1.0.0',
    name: 'testnet',
    type,
    bridge: 'cni0',
    isGateway: true,
    ipam: { type: 'host-local', subnet: '198.18.50.0/24', dataDir, routes: [{ dst: '0.0.0.0/0' }] },
    ...extra,
  };
}

/** The path a plugin opens for a container namespace held by this process. */
export const nsPath = (ns) => `/proc/${process.pid}/fd/${ns.fd}`;

/**
 * Run a plugin binary inside `host` with the CNI environment; resolves with
 * { code, result (parsed stdout or undefined), stdout, stderr }.
 */
export async function runCni(host, bin, command, conf, { container, id = 'c1', ifname = 'eth0', env = {} } = {}) {
  const r = await host.exec([bin], {
    env: {
      PATH: process.env.PATH,
      CNI_COMMAND: command,
      CNI_CONTAINERID: id,
      CNI_NETNS: container === undefined ? '' : typeof container === 'string' ? container : nsPath(container),
      CNI_IFNAME: ifname,
      CNI_PATH: REF_DIR,
      ...env,
    },
    input: typeof conf === 'string' ? conf : JSON.stringify(conf),
    timeout: 60000,
  });
  let result;
  try {
    result = r.stdout.trim() === '' ? undefined : JSON.parse(r.stdout);
  } catch {
    result = undefined;
  }
  return { code: r.code, result, stdout: r.stdout, stderr: r.stderr };
}

/**
 * argv running cnitool with libcni's result cache in `varLib`/cni instead of
 * the machine's /var/lib/cni: `varLib` is bound over /var/lib in a mount
 * namespace of cnitool's own (cnitool has no option for the cache's place),
 * so the cache lives as long as the test's directory and nothing is left in
 * /var/lib.
 */
export function cnitoolArgv(cnitool, varLib, ...args) {
  mkdirSync(join(varLib, 'cni'), { recursive: true });
  return ['unshare', '--mount', 'sh', '-c', 'mount --bind "$0" /var/lib && exec "$@"', varLib, cnitool, ...args];
}

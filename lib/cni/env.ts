/**
 * Reading what the runtime gives a plugin: the CNI_* environment and the
 * network configuration on stdin, checked with errors that carry the
 * spec's codes and name the variable or field.
 * @module
 */
import { CniError } from './errors.js';
import { SUPPORTED_VERSIONS } from './version.js';
import type { CniCommand, CniEnv, CniNetConf, CniVersion } from './types.js';

const COMMANDS: readonly CniCommand[] = ['ADD', 'DEL', 'CHECK', 'VERSION', 'STATUS', 'GC'];
// The spec: a container ID is alphanumerics, underscore, dot and hyphen, starting with an alphanumeric.
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function checkIfname(v: string): void {
  // The kernel's rules (IFNAMSIZ, no '/', no whitespace or ':'), as the spec asks.
  if (v.length === 0 || Buffer.byteLength(v) > 15 || v === '.' || v === '..' || /[/:\s]/.test(v)) {
    throw new CniError('invalidEnvironment', `CNI_IFNAME: not an interface name: ${JSON.stringify(v)} (1..15 bytes, no '/', ':' or spaces)`);
  }
}

/** The CNI_* variables of `env`, checked for `command` (what it needs must be there). */
export function parseEnv(env: NodeJS.ProcessEnv = process.env): CniEnv {
  const command = env.CNI_COMMAND;
  if (command === undefined || command === '') throw new CniError('invalidEnvironment', 'CNI_COMMAND: is not set');
  if (!(COMMANDS as string[]).includes(command)) throw new CniError('invalidEnvironment', `CNI_COMMAND: must be one of ${COMMANDS.join(', ')}, got ${JSON.stringify(command)}`);
  const c = command as CniCommand;
  const perContainer = c === 'ADD' || c === 'DEL' || c === 'CHECK';
  const containerId = env.CNI_CONTAINERID || undefined;
  if (perContainer) {
    if (containerId === undefined) throw new CniError('invalidEnvironment', 'CNI_CONTAINERID: is not set');
    if (!CONTAINER_ID.test(containerId)) throw new CniError('invalidEnvironment', `CNI_CONTAINERID: must be letters, digits, '_', '.' or '-' starting with a letter or digit, got ${JSON.stringify(containerId)}`);
  }
  const ifname = env.CNI_IFNAME || undefined;
  if (perContainer) {
    if (ifname === undefined) throw new CniError('invalidEnvironment', 'CNI_IFNAME: is not set');
    checkIfname(ifname);
  }
  const netns = env.CNI_NETNS || undefined;
  if ((c === 'ADD' || c === 'CHECK') && netns === undefined) throw new CniError('invalidEnvironment', 'CNI_NETNS: is not set');
  const args: Record<string, string> = {};
  for (const pair of (env.CNI_ARGS ?? '').split(';').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CniError('invalidEnvironment', `CNI_ARGS: ${JSON.stringify(pair)} is not KEY=VALUE`);
    args[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const path = (env.CNI_PATH ?? '').split(':').filter(Boolean);
  if (perContainer && path.length === 0) throw new CniError('invalidEnvironment', 'CNI_PATH: is not set (where IPAM and chained plugins are found)');
  return { command: c, containerId, netns, ifname, args, path };
}

/** The network configuration from stdin's text: JSON with a supported cniVersion, a name and a type. */
export function parseConfig(text: string): CniNetConf {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CniError('decodingFailure', `network configuration: not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CniError('decodingFailure', 'network configuration: must be a JSON object');
  const o = v as Record<string, unknown>;
  if (typeof o.cniVersion !== 'string') throw new CniError('invalidNetworkConfig', 'cniVersion: is required (a string such as "1.0.0")');
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(o.cniVersion)) {
    throw new CniError('incompatibleVersion', `cniVersion: ${JSON.stringify(o.cniVersion)} is not supported (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
  }
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(o.name)) throw new CniError('invalidNetworkConfig', `name: must be letters, digits, '_', '.' or '-', got ${JSON.stringify(o.name)}`);
  if (typeof o.type !== 'string' || o.type === '' || o.type.includes('/')) throw new CniError('invalidNetworkConfig', `type: must be a plugin name, got ${JSON.stringify(o.type)}`);
  if (o.ipam !== undefined && (typeof o.ipam !== 'object' || o.ipam === null || typeof (o.ipam as Record<string, unknown>).type !== 'string')) {
    throw new CniError('invalidNetworkConfig', 'ipam.type: is required when ipam is given (the IPAM plugin to run)');
  }
  return { ...o, cniVersion: o.cniVersion as CniVersion } as CniNetConf;
}

/**
 * The configuration of `netloom-bridge`: the reference bridge plugin's
 * fields, checked (code 7 with the field named), defaults filled in.
 * @module
 */
import { CniError } from './errors.js';
import type { CniNetConf } from './types.js';

/** `netloom-bridge`'s own fields (the reference `bridge` plugin's names). */
export interface BridgeConf {
  /** The bridge to attach containers to (made if missing). Default `cni0`. */
  bridge: string;
  /** Give the bridge the gateway address of each subnet (and turn on forwarding). */
  isGateway: boolean;
  /** Route the container's default through the gateway (implies isGateway). */
  isDefaultGateway: boolean;
  /** Masquerade the containers' traffic leaving their subnet (nf_tables, never iptables). */
  ipMasq: boolean;
  /** MTU of the veth pair (and of a bridge made now). */
  mtu: number | undefined;
  /** Let frames go back out of the port they came in on (hairpin). */
  hairpinMode: boolean;
  /** Put the bridge in promiscuous mode. */
  promiscMode: boolean;
  /**
   * Duplicate address detection on the container's interface. Off by
   * default, as in the reference plugin: IPv6 addresses are usable at once,
   * and a veth whose DAD is still running takes longer to delete.
   */
  enableDad: boolean;
}

const UNSUPPORTED = ['vlan', 'vlanTrunk', 'preserveDefaultVlan', 'macspoofchk', 'disableContainerInterface', 'portIsolation'];

function bool(conf: CniNetConf, field: string): boolean {
  const v = conf[field];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new CniError('invalidNetworkConfig', `${field}: must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** Check the plugin's fields of `conf`. */
export function checkBridgeConf(conf: CniNetConf): BridgeConf {
  for (const f of UNSUPPORTED) {
    if (conf[f] !== undefined && conf[f] !== false) throw new CniError('unsupportedField', `${f}: netloom-bridge does not support it yet`);
  }
  const bridge = conf.bridge ?? 'cni0';
  if (typeof bridge !== 'string' || bridge === '' || Buffer.byteLength(bridge) > 15 || /[/:\s]/.test(bridge)) {
    throw new CniError('invalidNetworkConfig', `bridge: must be an interface name of 1..15 bytes, got ${JSON.stringify(conf.bridge)}`);
  }
  const mtu = conf.mtu;
  if (mtu !== undefined && (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 68 || mtu > 65535)) {
    throw new CniError('invalidNetworkConfig', `mtu: must be an integer 68..65535, got ${JSON.stringify(mtu)}`);
  }
  const isDefaultGateway = bool(conf, 'isDefaultGateway');
  // As the reference plugin: a hairpin port on a promiscuous bridge would loop every frame back.
  if (bool(conf, 'hairpinMode') && bool(conf, 'promiscMode')) throw new CniError('invalidNetworkConfig', 'hairpinMode, promiscMode: cannot set hairpin mode and promiscuous mode at the same time');
  return {
    bridge,
    isGateway: bool(conf, 'isGateway') || isDefaultGateway,
    isDefaultGateway,
    ipMasq: bool(conf, 'ipMasq'),
    mtu: mtu as number | undefined,
    hairpinMode: bool(conf, 'hairpinMode'),
    promiscMode: bool(conf, 'promiscMode'),
    enableDad: bool(conf, 'enabledad'),
  };
}

/**
 * The CNI specification's objects (1.0.0 and 1.1.0, and what 0.3.x/0.4.0
 * runtimes expect), typed: the environment a runtime sets, the network
 * configuration on stdin, the result on stdout, and the error object.
 * @module
 */

/** The versions of the CNI specification netloom's plugins speak. */
export type CniVersion = '0.3.0' | '0.3.1' | '0.4.0' | '1.0.0' | '1.1.0';

/** The operations of the specification (STATUS and GC since 1.1.0). */
export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION' | 'STATUS' | 'GC';

/** What the runtime says in the environment. */
export interface CniEnv {
  command: CniCommand;
  /** CNI_CONTAINERID (ADD, DEL, CHECK). */
  containerId: string | undefined;
  /** CNI_NETNS: a path to the container's network namespace (ADD, CHECK; may be empty on DEL). */
  netns: string | undefined;
  /** CNI_IFNAME: the interface to make inside the container. */
  ifname: string | undefined;
  /** CNI_ARGS, parsed (`K1=V1;K2=V2`). */
  args: Record<string, string>;
  /** CNI_PATH, split: where to look for plugins (IPAM, chained ones). */
  path: string[];
}

/** An IPAM section: at least its plugin type; the rest is the IPAM plugin's. */
export interface CniIpamConfig {
  type: string;
  [field: string]: unknown;
}

/** DNS settings of a configuration or a result. */
export interface CniDns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

/** The common part of every plugin's configuration (the spec's "network configuration"). */
export interface CniNetConf {
  cniVersion: CniVersion;
  /** The network's name (unique on the host; IPAM keeps its leases under it). */
  name: string;
  /** The plugin: the name of its executable in CNI_PATH. */
  type: string;
  ipam?: CniIpamConfig;
  dns?: CniDns;
  /** A chained plugin's input: what the plugins before it returned. */
  prevResult?: CniResult;
  runtimeConfig?: Record<string, unknown>;
  args?: Record<string, unknown>;
  capabilities?: Record<string, boolean>;
  /** Everything else is the plugin's own configuration. */
  [field: string]: unknown;
}

/** An interface of a result. */
export interface CniInterface {
  name: string;
  mac?: string;
  mtu?: number;
  /** The container's namespace path, for interfaces inside it. */
  sandbox?: string;
  socketPath?: string;
}

/** An address of a result. */
export interface CniIpConfig {
  /** CIDR: `198.18.1.2/24`. */
  address: string;
  gateway?: string;
  /** Index into `interfaces`. */
  interface?: number;
}

/** A route of a result. */
export interface CniRoute {
  dst: string;
  gw?: string;
  mtu?: number;
  advmss?: number;
  priority?: number;
  table?: number;
  scope?: number;
}

/** What ADD returns (and chained plugins pass on as `prevResult`), in the 1.x form. */
export interface CniResult {
  cniVersion: CniVersion;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: CniRoute[];
  dns?: CniDns;
}

/** What VERSION returns. */
export interface CniVersionResult {
  cniVersion: CniVersion;
  supportedVersions: CniVersion[];
}

/**
 * The public types of bridge FDB entries: what `bridge fdb` takes and shows.
 * @module
 */
import type { RawReply } from '../../netlink/native.js';
import type { LinkRef } from '../values/ifindex.js';

/**
 * How long an entry lives, as `bridge fdb` names it: 'permanent' (`local`,
 * an address of the host), 'static' (never ages), 'dynamic' (ages like a
 * learned entry).
 */
export type FdbEntryState = 'permanent' | 'static' | 'dynamic';

/** An FDB entry to add, append, replace or delete. */
export interface FdbEntry {
  /** The MAC address ('00:00:00:00:00:00' for a VXLAN default destination). */
  lladdr: string;
  /** The bridge port, bridge or VXLAN device the entry belongs to. */
  dev: LinkRef;
  /**
   * Put the entry in the device's own table (`self`): a VXLAN device, or the
   * port's unicast/multicast filter. Default true unless `master` is set, as
   * `bridge fdb`.
   */
  self?: boolean;
  /** Put the entry in the table of the bridge `dev` is a port of (`master`). */
  master?: boolean;
  /** Default 'permanent', as `bridge fdb`. */
  state?: FdbEntryState;
  /** The VLAN (`vlan VID`), 1..4094. */
  vlan?: number;
  /** VXLAN: the remote VTEP's address (`dst IP`). */
  dst?: string;
  /** VXLAN: the remote UDP port (`port PORT`). */
  port?: number;
  /** VXLAN: the VNI to use for this destination (`vni VNI`). */
  vni?: number;
  /** VXLAN (collect-metadata): the source VNI (`src_vni VNI`). */
  srcVni?: number;
  /** VXLAN: the device to reach `dst` through (`via DEV`). */
  via?: LinkRef;
  /** The entry is a router (`router`). */
  router?: boolean;
  /** Mark the entry as learned by an external control plane (`extern_learn`). */
  externLearn?: boolean;
  /** Refresh an existing entry (`use`). */
  use?: boolean;
}

/** A decoded FDB entry. */
export interface FdbRecord {
  /** The MAC address. */
  lladdr: string | undefined;
  /** The device the entry is on (a bridge port, the bridge itself, a VXLAN device). */
  ifindex: number;
  /** The bridge the device belongs to, if the kernel says (NDA_MASTER). */
  master: number | undefined;
  /** The VLAN. */
  vlan: number | undefined;
  /** VXLAN: the remote VTEP. */
  dst: string | undefined;
  /** VXLAN: the remote UDP port, when not the device's default. */
  port: number | undefined;
  /** VXLAN: the VNI, when not the device's own. */
  vni: number | undefined;
  /** VXLAN: the source VNI. */
  srcVni: number | undefined;
  /** VXLAN: the device to reach `dst` through (NDA_IFINDEX). */
  via: number | undefined;
  /**
   * 'permanent', 'static', 'stale' or 'dynamic' (reachable), as
   * `bridge fdb show` prints them; the ndm_state number otherwise.
   */
  state: 'permanent' | 'static' | 'stale' | 'dynamic' | (number & {});
  /** Flag names: 'self', 'master', 'extern_learn', 'offload', 'router', 'use'. */
  flags: string[];
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link FdbApi.list}. */
export interface FdbFilter {
  /** The entries of this bridge and its ports (`br BRIDGE`). */
  br?: LinkRef;
  /** The entries of this device (`dev DEV`). */
  dev?: LinkRef;
  /** Only entries of this VLAN. */
  vlan?: number;
}

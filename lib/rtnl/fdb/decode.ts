/**
 * Decoding AF_BRIDGE RTM_NEWNEIGH messages into {@link FdbRecord} objects.
 * @module
 */
import { constant, type RawReply } from '../../netlink/native.js';
import { swap16 } from '../values/byteorder.js';
import { ntfFlagNames } from '../values/tables.js';
import type { FdbRecord } from './types.js';

/** Decode one AF_BRIDGE RTM_NEWNEIGH message (an FDB entry). */
export function decodeFdbEntry(m: RawReply): FdbRecord {
  const h = m.header;
  const a = m.attrs;
  const s = h.ndmState as number;
  let state: FdbRecord['state'] = s;
  if (s & constant('NUD_PERMANENT')) state = 'permanent';
  else if (s & constant('NUD_NOARP')) state = 'static';
  else if (s & constant('NUD_STALE')) state = 'stale';
  else if (s & constant('NUD_REACHABLE')) state = 'dynamic';
  return {
    lladdr: a.lladdr as string | undefined,
    ifindex: h.ndmIfindex as number,
    master: a.master as number | undefined,
    vlan: a.vlan as number | undefined,
    dst: a.dst as string | undefined,
    port: typeof a.port === 'number' ? swap16(a.port) : undefined,
    vni: a.vni as number | undefined,
    srcVni: a.srcVni as number | undefined,
    via: a.ifindex as number | undefined,
    state,
    flags: ntfFlagNames(h.ndmFlags as number),
    raw: m,
  };
}

/**
 * `netloom-ipam`: host-local's allocation (one address per range set, from
 * the one after the last handed out, gateway and `exclude` skipped) on
 * host-local's lease files, so it can replace host-local under any plugin.
 * netloom-bridge calls it in its own process (no second plugin exec).
 * @module
 */
import { CniError } from './errors.js';
import { checkIpamConf, toNum, toText, type IpRange } from './ipam-conf.js';
import { withStore } from './ipam-store.js';
import type { CniHandlers } from './plugin.js';
import type { CniEnv, CniIpConfig, CniNetConf, CniResult } from './types.js';

function pick(set: IpRange[], last: string | undefined, free: (a: string) => boolean): { range: IpRange; address: string } | undefined {
  // All addresses of the set in order, starting after the last one handed out.
  const total = set.reduce((n, r) => n + (r.last - r.first + 1n), 0n);
  let start = 0n;
  if (last !== undefined) {
    const l = toNum('last_reserved_ip', last).n;
    let off = 0n;
    for (const r of set) {
      if (l >= r.first && l <= r.last) start = off + (l - r.first) + 1n;
      off += r.last - r.first + 1n;
    }
  }
  const limit = total < 1_000_000n ? total : 1_000_000n; // bounded: a /64 is not walked whole
  for (let k = 0n; k < limit; k++) {
    let i = (start + k) % total;
    for (const r of set) {
      const size = r.last - r.first + 1n;
      if (i >= size) {
        i -= size;
        continue;
      }
      const n = r.first + i;
      if (n === r.gateway) break;
      const address = toText(n, r.v6);
      if (free(address)) return { range: r, address };
      break;
    }
  }
  return undefined;
}

async function add(conf: CniNetConf, env: CniEnv): Promise<CniResult> {
  const c = checkIpamConf(conf);
  const id = env.containerId as string;
  const ifname = env.ifname as string;
  const excluded = (a: string): boolean => {
    const { n, v6 } = toNum('address', a);
    return c.exclude.some((e) => e.v6 === v6 && n >= e.from && n <= e.to);
  };
  const ips: CniIpConfig[] = withStore(c.dataDir, conf.name, (store) => {
    // An attachment asking again gets what it has (a runtime retrying ADD).
    const have = store.leases().filter((l) => l.id === id && l.ifname === ifname).map((l) => l.address);
    const out: CniIpConfig[] = [];
    c.rangeSets.forEach((set, n) => {
      const existing = have.find((a) => set.some((r) => { const x = toNum('a', a); return x.v6 === r.v6 && x.n >= r.first && x.n <= r.last; }));
      let got = existing === undefined ? undefined : { range: set.find((r) => toNum('a', existing).n >= r.first && toNum('a', existing).n <= r.last) as IpRange, address: existing };
      got ??= pick(set, store.lastReserved(n), (a) => !excluded(a) && !store.taken(a));
      if (got === undefined) throw new CniError('ioFailure', `ipam.ranges[${n}]: no address left for ${id} in ${set.map((r) => `${toText(r.first, r.v6)}-${toText(r.last, r.v6)}`).join(', ')}`);
      if (existing === undefined && !store.reserve(got.address, id, ifname, n)) throw new CniError('tryAgainLater', `address ${got.address} was taken meanwhile`);
      out.push({ address: `${got.address}/${got.range.prefix}`, gateway: toText(got.range.gateway, got.range.v6) });
    });
    return out;
  });
  return { cniVersion: conf.cniVersion, ips, routes: c.routes, dns: (conf.ipam?.dns as CniResult['dns']) ?? {} };
}

async function del(conf: CniNetConf, env: CniEnv): Promise<void> {
  const c = checkIpamConf(conf);
  withStore(c.dataDir, conf.name, (store) => store.release(env.containerId as string, env.ifname as string));
}

async function check(conf: CniNetConf, env: CniEnv): Promise<void> {
  const c = checkIpamConf(conf);
  const mine = withStore(c.dataDir, conf.name, (store) => store.leases().filter((l) => l.id === env.containerId && (l.ifname === undefined || l.ifname === env.ifname)));
  if (mine.length === 0) throw new CniError('unknownContainer', `netloom-ipam: no address is leased to ${env.containerId ?? ''}/${env.ifname ?? ''}`);
}

/** The handlers of `netloom-ipam`. */
export const ipamPlugin: CniHandlers = {
  add,
  del,
  check,
  async status(conf) {
    checkIpamConf(conf);
  },
  async gc(conf, _env, valid) {
    const c = checkIpamConf(conf);
    const keep = new Set(valid.map((v) => `${v.containerID}\n${v.ifname}`));
    withStore(c.dataDir, conf.name, (store) => {
      for (const l of store.leases()) if (!keep.has(`${l.id}\n${l.ifname ?? ''}`)) store.release(l.id, l.ifname ?? '');
    });
  },
};

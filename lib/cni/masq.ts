/**
 * `ipMasq` of a CNI network through nf_tables (never iptables): one table
 * `ip netloom-cni` (owner `cni`) with a nat postrouting chain, and per
 * attachment two rules commented `NETWORK:CONTAINER:IFNAME`: traffic from
 * the container's address to its own subnet is left alone, the rest but
 * multicast is masqueraded (what the reference plugins' CNI-xxxx chains do).
 * @module
 */
import { openNft, type Nft } from '../nft/api.js';

const TABLE = { family: 'ip', name: 'netloom-cni' } as const;
const CHAIN = { family: 'ip', table: TABLE.name, chain: 'postrouting' } as const;

/** The comment that names an attachment's rules. */
export function attachmentTag(network: string, containerId: string, ifname: string): string {
  return `${network}:${containerId}:${ifname}`;
}

async function withNft<T>(fn: (nft: Nft) => Promise<T>): Promise<T> {
  const nft = await openNft();
  try {
    return await fn(nft);
  } finally {
    await nft.close();
  }
}

const exists = (e: unknown): boolean => (e as { code?: string }).code === 'EEXIST';

/** Masquerade what `address` (a CIDR) sends outside its subnet. */
export async function addMasquerade(tag: string, address: string, subnet: string): Promise<void> {
  const ip = address.split('/')[0] as string;
  await withNft(async (nft) => {
    // Made once per host; a concurrent ADD may have made it first.
    await nft
      .transaction()
      .table.add({ ...TABLE, owner: 'cni', comment: 'CNI ipMasq' })
      .chain.add({ family: 'ip', table: TABLE.name, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat' })
      .commit()
      .catch((e: unknown) => {
        if (!exists(e)) throw e;
      });
    await nft
      .transaction()
      .rule.add({ ...CHAIN, match: { saddr: ip, daddr: subnet }, verdict: 'accept', comment: tag })
      .rule.add({ ...CHAIN, match: { saddr: ip, daddr: { not: '224.0.0.0/4' } }, nat: { masquerade: true }, comment: tag })
      .commit();
  });
}

/** Delete the rules whose tag `drop` picks; returns how many rules went. */
export async function removeMasquerade(drop: (tag: string) => boolean): Promise<number> {
  return withNft(async (nft) => {
    const rules = await nft.rule.list({ family: 'ip', table: TABLE.name }).catch((e: unknown) => {
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw e;
    });
    const ours = rules.filter((r) => r.chain === CHAIN.chain && r.comment !== undefined && drop(r.comment));
    let n = 0;
    for (const r of ours) {
      await nft.rule.del({ ...CHAIN, handle: r.handle }).then(
        () => n++,
        (e: unknown) => {
          if ((e as { code?: string }).code !== 'ENOENT') throw e; // a concurrent DEL took it
        },
      );
    }
    return n;
  });
}

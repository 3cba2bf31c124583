#!/usr/bin/env node
// netloom loading and listing N elements of an ipv4_addr set (run it under
// `unshare --net`, as anchors/nft/sets.sh is): N consecutive addresses from
// 198.18.0.1 added by one set.elements.add() (one transaction, split over
// as many NEWSETELEM messages as fit), then read back with
// set.elements.list() as address text. Prints the same line as sets.sh.
const { openNft } = await import(process.env.NETLOOM_DIST ?? '../dist/index.js');
const N = Number(process.env.N ?? 100000);
const nft = await openNft();
try {
  const base = ((198 << 24) >>> 0) + (18 << 16);
  const addr = (n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  const elements = Array.from({ length: N }, (_, i) => addr(base + i + 1));
  const ref = { family: 'ip', table: 'bench', name: 's' };
  await nft.table.add({ family: 'ip', name: 'bench' });
  await nft.set.add({ ...ref, type: 'ipv4_addr' });
  const t0 = performance.now();
  await nft.set.elements.add({ ...ref, type: 'ipv4_addr' }, elements);
  const t1 = performance.now();
  const listed = await nft.set.elements.list({ ...ref, type: 'ipv4_addr' });
  const t2 = performance.now();
  if (listed.length !== N || !listed.every((e) => typeof e === 'string')) throw new Error(`listed ${listed.length} elements, expected ${N} addresses`);
  console.log(`NFT netloom ok: ${listed.length} elements listed; load ${((t1 - t0) / 1000).toFixed(4)}s list ${((t2 - t1) / 1000).toFixed(4)}s`);
} finally {
  await nft.close();
}

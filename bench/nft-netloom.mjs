#!/usr/bin/env node
// netloom loading and listing N rules (run it under `unshare --net`, as
// anchors/nft/rules.sh is): `tcp dport P accept` for P = 1..N in an inet
// filter chain, made by one nft.apply() (one transaction), then listed back
// with rule.list() into typed rules (every one decoded and recognised).
// Prints the same line as rules.sh.
const { openNft } = await import(process.env.NETLOOM_DIST ?? '../dist/index.js');
const N = Number(process.env.N ?? 10000);
const nft = await openNft();
try {
  const rules = Array.from({ length: N }, (_, i) => ({ match: { proto: 'tcp', dport: i + 1 }, verdict: 'accept' }));
  const t0 = performance.now();
  await nft.apply({ owner: 'bench', tables: [{ family: 'inet', name: 'bench', chains: [{ name: 'in', hook: 'input', priority: 0, rules }] }] });
  const t1 = performance.now();
  const listed = await nft.rule.list({ family: 'inet', table: 'bench' });
  const t2 = performance.now();
  if (listed.length !== N || !listed.every((r) => r.recognised)) throw new Error(`listed ${listed.length} rules, expected ${N} recognised ones`);
  console.log(`NFT netloom ok: ${listed.length} rules listed; load ${((t1 - t0) / 1000).toFixed(4)}s list ${((t2 - t1) / 1000).toFixed(4)}s`);
} finally {
  await nft.close();
}

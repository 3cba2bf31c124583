// nft(8) as an independent witness of what nf_tables holds in a namespace.
// nft 1.0.6's JSON leaves out table and chain comments, so those are read
// from the text listing.
import { execFileSync } from 'node:child_process';
import { netns, openNft } from '../../dist/index.js';

function nft(ns, args) {
  return execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'nft', ...args], { encoding: 'utf8' });
}

/** `nft -j list ruleset` inside the namespace: its objects without metainfo, as { table } / { chain } entries. */
export function nftRuleset(ns) {
  return JSON.parse(nft(ns, ['-j', 'list', 'ruleset'])).nftables.filter((o) => o.metainfo === undefined);
}

/** The tables of the ruleset, as nft -j shows them. */
export function nftTables(ns) {
  return nftRuleset(ns).flatMap((o) => (o.table ? [o.table] : []));
}

/** The chains of the ruleset, as nft -j shows them. */
export function nftChains(ns) {
  return nftRuleset(ns).flatMap((o) => (o.chain ? [o.chain] : []));
}

/** `nft list ruleset` (text). */
export function nftText(ns) {
  return nft(ns, ['list', 'ruleset']);
}

/** Run `nft ARGS` in the namespace (another process changing the ruleset). */
export function nftRun(ns, ...args) {
  return nft(ns, args);
}

/** A throwaway anonymous namespace and an nf_tables handle in it, both closed when the test ends. */
export async function nftSandbox(t) {
  const ns = await netns.create();
  t.teardown(() => ns.close());
  const nft = await openNft({ netns: ns });
  t.teardown(() => nft.close());
  return { ns, nft };
}

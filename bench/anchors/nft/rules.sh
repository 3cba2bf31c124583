#!/bin/sh
# nft(8) loading and listing N rules (run it under `unshare --net`): one file
# for `nft -f` (STYLE=file), or one `nft add rule` process per rule
# (STYLE=each, the shell-script way). The rules are the ones
# bench/nft-netloom.mjs loads: `tcp dport P accept` for P = 1..N in an inet
# filter chain. Prints: NFT <style> ok: <count> rules listed; load Xs list Ys
set -e
N=${N:-10000}
STYLE=${STYLE:-file}
now() { date +%s.%N; }
d() { awk "BEGIN { printf \"%.4f\", $2 - $1 }"; }
file=$(mktemp)
trap 'rm -f "$file"' EXIT
nft add table inet bench
nft add chain inet bench in '{ type filter hook input priority 0; }'
if [ "$STYLE" = file ]; then
  awk -v n="$N" 'BEGIN { for (p = 1; p <= n; p++) printf "add rule inet bench in tcp dport %d accept\n", p }' > "$file"
  t0=$(now)
  nft -f "$file"
  t1=$(now)
else
  t0=$(now)
  p=1
  while [ "$p" -le "$N" ]; do nft add rule inet bench in tcp dport "$p" accept; p=$((p + 1)); done
  t1=$(now)
fi
count=$(nft -j list ruleset | grep -o '"rule"' | wc -l)
t2=$(now)
nft list ruleset > /dev/null
t3=$(now)
if [ "$count" -ne "$N" ]; then echo "NFT $STYLE: listed $count rules, expected $N" >&2; exit 1; fi
echo "NFT $STYLE ok: $count rules listed; load $(d "$t0" "$t1")s list $(d "$t2" "$t3")s"

#!/bin/sh
# nft(8) loading and listing N elements of an ipv4_addr set (run it under
# `unshare --net`): one `add element` statement of N addresses in a file for
# `nft -f`, then `nft list set`. The addresses are the ones
# bench/nft-sets-netloom.mjs loads: N consecutive addresses from 198.18.0.1
# (inside 198.18.0.0/15). Prints: NFT file ok: <count> elements listed; load Xs list Ys
set -e
N=${N:-100000}
now() { date +%s.%N; }
d() { awk "BEGIN { printf \"%.4f\", $2 - $1 }"; }
file=$(mktemp)
trap 'rm -f "$file"' EXIT
nft add table ip bench
nft add set ip bench s '{ type ipv4_addr; }'
awk -v n="$N" 'BEGIN { printf "add element ip bench s { "; for (i = 1; i <= n; i++) { a = 198 * 16777216 + 18 * 65536 + i; printf "%s%d.%d.%d.%d", (i > 1 ? ", " : ""), int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256, a % 256 } print " }" }' > "$file"
t0=$(now)
nft -f "$file"
t1=$(now)
nft list set ip bench s > "$file"
t2=$(now)
count=$(tr ',' '\n' < "$file" | grep -c '198\.1[89]\.')
if [ "$count" -ne "$N" ]; then echo "NFT file: listed $count elements, expected $N" >&2; exit 1; fi
echo "NFT file ok: $count elements listed; load $(d "$t0" "$t1")s list $(d "$t1" "$t2")s"

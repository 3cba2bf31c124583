#!/bin/sh
# Fuzz the rtnetlink and generic netlink decoders and the extended-ACK parser (native/fuzz/) with
# libFuzzer under AddressSanitizer and UBSan.
#
# Usage: sh tools/fuzz.sh [RUNS] [extra libFuzzer flags...]
#   RUNS defaults to 1000000. Needs clang (Debian: apt-get install clang).
#
# The seed corpus is test/reliability/fuzz-seeds/ (real kernel messages, made by
# tools/fuzz-seeds.py) and stays small: inputs the fuzzer finds go to a
# temporary directory, not into the repository. A crash leaves its input as
# crash-* in the current directory and exits non-zero.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-1000000}
[ $# -gt 0 ] && shift
CXX=${CLANGXX:-clang++}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (apt-get install clang)" >&2; exit 2; }

OUT=${FUZZ_BUILD:-$ROOT/build-fuzz}
mkdir -p "$OUT"
BIN=$OUT/decode_fuzzer
# -fno-sanitize-recover: a UBSan finding is a crash, not a log line.
"$CXX" -std=c++17 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I"$ROOT/native" \
  "$ROOT/native/fuzz/decode_fuzzer.cc" "$ROOT/native/rtnl_codec.cc" "$ROOT/native/rtnl_text.cc" "$ROOT/native/rtnl_tables.cc" "$ROOT/native/tape_sink.cc" \
  "$ROOT/native/genl_tables.cc" "$ROOT/native/sockaddr_codec.cc" \
  -o "$BIN"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
# New inputs go to $WORK (first corpus dir); the seeds are read only.
"$BIN" -runs="$RUNS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@" "$WORK" "$ROOT/test/reliability/fuzz-seeds/"

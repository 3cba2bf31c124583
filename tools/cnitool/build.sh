#!/bin/sh
# Build tools/cnitool (a CNI client on libcni) offline, from Debian's
# golang-go and golang-github-appc-cni-dev (GOPATH mode: the packages'
# sources under /usr/share/gocode). Usage: sh tools/cnitool/build.sh OUT
set -e
out=${1:?usage: build.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$tmp/cache" GOFLAGS= go build -o "$out" "$here/main.go"

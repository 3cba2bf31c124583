#!/bin/sh
# Build cnitool, libcni's own command line (the client of CNI plugins the
# CNI project ships), from Debian's source package golang-github-appc-cni
# with Debian's golang-go (libcni needs nothing beyond Go's standard
# library): nothing but Debian's source package is downloaded, and nothing
# of the machine's apt configuration is changed (the deb-src list and its
# index live in a temporary directory). Usage: sh tools/cnitool/build.sh OUT
set -eu
out=${1:?usage: build.sh OUT}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/apt/lists/partial" "$tmp/src"
cat > "$tmp/apt/debian-src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $(. /etc/os-release && echo "$VERSION_CODENAME")
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt_opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$tmp/apt -o Dir::State::Lists=$tmp/apt/lists -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $apt_opts update -qq
# shellcheck disable=SC2086
(cd "$tmp/src" && apt-get $apt_opts source --download-only -qq golang-github-appc-cni >/dev/null)
mkdir -p "$tmp/x" "$tmp/gopath/src/github.com/containernetworking"
tar -xf "$tmp"/src/golang-github-appc-cni_*.orig.tar.* -C "$tmp/x"
mv "$tmp"/x/* "$tmp/gopath/src/github.com/containernetworking/cni"
GO111MODULE=off GOPATH="$tmp/gopath" GOCACHE="$tmp/cache" GOFLAGS= go build -o "$out" github.com/containernetworking/cni/cnitool

// A CNI client on libcni, the library cnitool, containerd and CRI-O use to
// run plugins: what netloom's CNI tests drive netloom-cni with, so that the
// plugin is exercised by the real runtime code path (config loading, version
// negotiation, result caching, CHECK with the cached prevResult) and not by
// netloom's own test helpers. Built by tools/cnitool/build.sh with Debian's
// golang-go and golang-github-appc-cni-dev, offline.
//
//   cnitool add|check|del NETWORK NETNS_PATH   (CNI_PATH, NETCONFPATH, CNI_IFNAME, CNI_CONTAINERID from the environment)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: cnitool add|check|del NETWORK NETNS_PATH")
		os.Exit(2)
	}
	confDir := getenv("NETCONFPATH", "/etc/cni/net.d")
	netconf, err := libcni.LoadConfList(confDir, os.Args[2])
	if err != nil {
		fail(err)
	}
	cacheDir := getenv("CNI_CACHE_DIR", "")
	cninet := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(os.Getenv("CNI_PATH")), cacheDir, nil)
	rt := &libcni.RuntimeConf{
		ContainerID: getenv("CNI_CONTAINERID", "cnitool-0"),
		NetNS:       os.Args[3],
		IfName:      getenv("CNI_IFNAME", "eth0"),
	}
	ctx := context.Background()
	switch os.Args[1] {
	case "add":
		result, err := cninet.AddNetworkList(ctx, netconf, rt)
		if err != nil {
			fail(err)
		}
		out, _ := json.Marshal(result)
		fmt.Println(string(out))
	case "check":
		if err := cninet.CheckNetworkList(ctx, netconf, rt); err != nil {
			fail(err)
		}
	case "del":
		if err := cninet.DelNetworkList(ctx, netconf, rt); err != nil {
			fail(err)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}

func getenv(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

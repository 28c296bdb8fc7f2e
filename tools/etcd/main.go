// The etcd server of the simulated clusters. etcd's own main package lives in the root module
// go.etcd.io/etcd/v3, whose go.mod replaces its sibling modules with local paths and so cannot
// be built from the module cache; this calls the same entry point (go.etcd.io/etcd/server/v3
// etcdmain.Main, as etcd's root main.go does).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}

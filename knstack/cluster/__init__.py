"""Local simulated Kubernetes clusters for trying knstack and for its tests.

Each cluster is etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake
nodes whose pods become Running and Ready), all built from Go modules by the tools bootstrap
(`scripts/bootstrap.sh cluster`) and bound to 127.0.0.1. See docs/local-clusters.md.
"""

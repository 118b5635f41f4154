// Package e2e tests Bylaw end to end on a real control plane: kube-apiserver and etcd started by envtest from the
// binaries hack/control-plane.sh builds (KUBEBUILDER_ASSETS), with the real `bylaw serve` binary running beside it
// as the admission webhook (reached by URL on 127.0.0.1).
//
// Run with `make e2e` (it builds the control plane once and caches it), or with go test when KUBEBUILDER_ASSETS
// names a folder holding kube-apiserver and etcd.
package e2e

// Package controlplane gives integration tests a real kube-apiserver and etcd (controller-runtime envtest), started
// from the binaries hack/control-plane.sh builds (the folder named by KUBEBUILDER_ASSETS), once per test binary and
// only when a test asks for it. It downloads nothing.
//
// A package's TestMain stops it:
//
//	var plane controlplane.Plane
//
//	func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }
//
//	func TestSomething(t *testing.T) { cfg := plane.Config(t); ... }
package controlplane

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Plane is one lazily started control plane.
type Plane struct {
	// CRDs are folders of CustomResourceDefinitions to install.
	CRDs []string

	once sync.Once
	env  *envtest.Environment
	cfg  *rest.Config
	err  error
}

// Assets returns the folder holding kube-apiserver and etcd, or an error that says how to get them.
func Assets() (string, error) {
	dir := os.Getenv("KUBEBUILDER_ASSETS")
	if dir == "" {
		return "", errors.New("KUBEBUILDER_ASSETS is not set: it must name a folder holding kube-apiserver and etcd " +
			"(run `make control-plane`, then KUBEBUILDER_ASSETS=$PWD/bin/k8s; `make test` does both)")
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return "", fmt.Errorf("KUBEBUILDER_ASSETS=%s has no %s: %w", dir, bin, err)
		}
	}
	return dir, nil
}

// Config starts the control plane on first use and returns its admin configuration; it fails t when there is none.
func (p *Plane) Config(t testing.TB) *rest.Config {
	t.Helper()
	p.once.Do(p.start)
	if p.err != nil {
		t.Fatalf("this test needs a real API server: %v", p.err)
	}
	return p.cfg
}

// Environment returns the envtest environment once Config has started it, else nil.
func (p *Plane) Environment() *envtest.Environment { return p.env }

func (p *Plane) start() {
	dir, err := Assets()
	if err != nil {
		p.err = err
		return
	}
	p.env = &envtest.Environment{BinaryAssetsDirectory: dir, CRDDirectoryPaths: p.CRDs, ErrorIfCRDPathMissing: len(p.CRDs) > 0}
	if p.cfg, err = p.env.Start(); err != nil {
		p.err = fmt.Errorf("starting kube-apiserver and etcd from %s: %w", dir, err)
	}
}

// Run runs the tests, then stops the control plane if one was started; it returns the exit code for os.Exit.
func (p *Plane) Run(m *testing.M) int {
	code := m.Run()
	if p.env != nil && p.cfg != nil {
		if err := p.env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test control plane:", err)
			code = 1
		}
	}
	return code
}

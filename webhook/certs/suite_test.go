package certs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// controlPlane is the package's one real API server (envtest), started by
// the first test that needs it and stopped by TestMain.
type controlPlane struct {
	once sync.Once
	env  *envtest.Environment
	cfg  *rest.Config
	err  error
}

// plane is shared by the tests of this package; unit tests never start it.
var plane controlPlane

func TestMain(m *testing.M) {
	code := m.Run()
	if plane.env != nil {
		if err := plane.env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop envtest control plane:", err)
		}
	}
	os.Exit(code)
}

// start runs kube-apiserver and etcd from $KUBEBUILDER_ASSETS; no download.
func (p *controlPlane) start() {
	dir := os.Getenv("KUBEBUILDER_ASSETS")
	if dir == "" {
		p.err = errors.New("KUBEBUILDER_ASSETS is not set: it must name a folder holding kube-apiserver and etcd " +
			"(in this repository: KUBEBUILDER_ASSETS=$PWD/bin/k8s)")
		return
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			p.err = fmt.Errorf("KUBEBUILDER_ASSETS=%s has no %s: %w", dir, bin, err)
			return
		}
	}
	p.env = &envtest.Environment{BinaryAssetsDirectory: dir}
	p.cfg, p.err = p.env.Start()
	if p.err != nil {
		p.err = fmt.Errorf("start envtest control plane from %s: %w", dir, p.err)
	}
}

// apiServer returns a new uncached client of the package's API server and a
// fresh namespace for the calling test; it fails the test when there is no API server.
func apiServer(t *testing.T) (client.Client, string) {
	t.Helper()
	plane.once.Do(plane.start)
	require.NoError(t, plane.err, "this test needs a real API server")
	c, err := client.New(plane.cfg, client.Options{})
	require.NoError(t, err)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "certs-"}}
	require.NoError(t, c.Create(context.Background(), ns))
	return c, ns.Name
}

// newAPIClient is another client of the same API server, as a second replica has.
func newAPIClient(t *testing.T) client.WithWatch {
	t.Helper()
	c, err := client.NewWithWatch(plane.cfg, client.Options{})
	require.NoError(t, err)
	return c
}

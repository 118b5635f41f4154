package registration

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// The package's control plane, started once by TestMain. controlPlaneErr says why there is none; tests that need it
// fail with that message.
var (
	controlPlaneConfig *rest.Config
	controlPlaneErr    error
)

func TestMain(m *testing.M) {
	env, cfg, err := startControlPlane()
	controlPlaneConfig, controlPlaneErr = cfg, err
	code := m.Run()
	if env != nil {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the test control plane:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// startControlPlane starts kube-apiserver and etcd from $KUBEBUILDER_ASSETS.
func startControlPlane() (*envtest.Environment, *rest.Config, error) {
	dir := os.Getenv("KUBEBUILDER_ASSETS")
	if dir == "" {
		return nil, nil, errors.New("KUBEBUILDER_ASSETS is not set: it must name a folder holding kube-apiserver " +
			"and etcd (in this repository: KUBEBUILDER_ASSETS=$PWD/bin/k8s)")
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return nil, nil, fmt.Errorf("KUBEBUILDER_ASSETS=%s has no %s: %w", dir, bin, err)
		}
	}
	env := &envtest.Environment{BinaryAssetsDirectory: dir}
	cfg, err := env.Start()
	if err != nil {
		return nil, nil, fmt.Errorf("starting kube-apiserver and etcd from %s: %w", dir, err)
	}
	return env, cfg, nil
}

// controlPlane returns the config of the package's API server, failing t when there is none.
func controlPlane(t *testing.T) *rest.Config {
	t.Helper()
	if controlPlaneErr != nil {
		t.Fatalf("this test needs a real API server: %v", controlPlaneErr)
	}
	return controlPlaneConfig
}

package reports_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

var plane = controlplane.Plane{CRDs: []string{filepath.Join(repoRoot(), "manifests", "crds", "wgpolicyk8s")}}

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

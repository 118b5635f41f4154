package monitor

import (
	"os"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

// plane is the package's control plane, started by the first test that needs it and stopped by TestMain.
var plane controlplane.Plane

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

// controlPlane returns the config of the package's API server, failing t when there is none.
func controlPlane(t *testing.T) *rest.Config {
	t.Helper()
	return plane.Config(t)
}

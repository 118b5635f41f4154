package reports_test

import (
	"os"
	"testing"

	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

var plane = controlplane.Plane{CRDs: controlplane.ReportCRDs()}

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

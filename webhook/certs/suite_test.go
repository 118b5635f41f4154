package certs

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

// plane is the package's one real API server (envtest), started by the first test that needs it and stopped by
// TestMain; unit tests never start it.
var plane controlplane.Plane

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

// apiServer returns a new uncached client of the package's API server and a
// fresh namespace for the calling test; it fails the test when there is no API server.
func apiServer(t *testing.T) (client.Client, string) {
	t.Helper()
	c, err := client.New(plane.Config(t), client.Options{})
	require.NoError(t, err)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "certs-"}}
	require.NoError(t, c.Create(context.Background(), ns))
	return c, ns.Name
}

// newAPIClient is another client of the same API server, as a second replica has.
func newAPIClient(t *testing.T) client.WithWatch {
	t.Helper()
	c, err := client.NewWithWatch(plane.Config(t), client.Options{})
	require.NoError(t, err)
	return c
}

package clustercontext_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/clustercontext"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

// plane is the package's one real API server (envtest), started by the first test that needs it and stopped by
// TestMain; the unit tests never start it.
var plane controlplane.Plane

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

// cluster is what a test gets from the control plane: an uncached client, the REST client the server wiring passes
// for apiCall, and a fresh namespace.
type cluster struct {
	client    client.Client
	rest      rest.Interface
	namespace string
}

// apiServer starts the package's API server if needed; it fails the test when there is none.
func apiServer(t *testing.T) cluster {
	t.Helper()
	cfg := plane.Config(t)
	c, err := client.New(cfg, client.Options{})
	require.NoError(t, err)
	rc, err := clustercontext.NewRESTClient(cfg, types.NamespacedName{})
	require.NoError(t, err)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "clustercontext-"}}
	require.NoError(t, c.Create(context.Background(), ns))
	return cluster{client: c, rest: rc, namespace: ns.Name}
}

package policy

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	bylawpolicy "github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

var plane = controlplane.Plane{CRDs: controlplane.BylawCRDs()}

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

// wait bounds every poll of these tests.
const wait = 30 * time.Second

func testScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(s))
	require.NoError(t, v1alpha1.AddToScheme(s))
	require.NoError(t, policiesv1.AddToScheme(s))
	return s
}

func testClient(t *testing.T) client.Client {
	t.Helper()
	c, err := client.New(plane.Config(t), client.Options{Scheme: testScheme(t)})
	require.NoError(t, err)
	return c
}

// startManager runs a manager with a Reconciler that trusts exceptions from trusted. With controllers false only the
// initial load runs, so the store holds exactly what the initial load put there. It stops when the test ends.
func startManager(t *testing.T, trusted ExceptionNamespaces, controllers bool) *bylawpolicy.Store {
	t.Helper()
	mgr, err := ctrl.NewManager(plane.Config(t), ctrl.Options{Scheme: testScheme(t),
		Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0",
		// Every test runs its own controllers of the same names in this process.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)}})
	require.NoError(t, err)
	store := bylawpolicy.NewStore()
	r := &Reconciler{Client: mgr.GetClient(), Loader: bylawpolicy.NewLoader(engine.New()), Store: store,
		Events: mgr.GetEventRecorder("bylaw"), ExceptionNamespaces: trusted}
	if controllers {
		require.NoError(t, r.SetupWithManager(mgr))
	} else {
		require.NoError(t, mgr.Add(&initialLoad{r: r, mgr: mgr}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	ready, stop := context.WithTimeout(ctx, wait)
	defer stop()
	require.True(t, store.WaitReady(ready), "the initial load did not finish")
	return store
}

package generate_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/clustercontext"
	"github.com/bylaw-dev/bylaw/controllers/generate"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/server"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
	"github.com/bylaw-dev/bylaw/webhook"
)

var plane = controlplane.Plane{CRDs: controlplane.BylawCRDs()}

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

// wait bounds every poll of these tests.
const wait = 30 * time.Second

// env is one test's world: a client, Bylaw's namespace (where GenerateRequests live), the policy store, and an
// admission handler that records generate requests as the webhook does.
type env struct {
	t         *testing.T
	ctx       context.Context
	client    client.Client
	namespace string
	engine    *engine.Engine
	store     *policy.Store
	handler   *webhook.Handler
}

func newEnv(t *testing.T) *env {
	t.Helper()
	scheme, err := server.NewScheme()
	require.NoError(t, err)
	c, err := client.New(plane.Config(t), client.Options{Scheme: scheme})
	require.NoError(t, err)
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "bylaw-"}}
	require.NoError(t, c.Create(ctx, ns))
	eng := engine.New()
	store := policy.NewStore()
	store.MarkReady()
	e := &env{t: t, ctx: ctx, client: c, namespace: ns.Name, engine: eng, store: store}
	e.handler = &webhook.Handler{Engine: eng, Store: store, Generate: &generate.Recorder{Client: c, Namespace: ns.Name}}
	return e
}

// start runs a generate controller on its own manager until the test ends or stop is called.
func (e *env) start() (stop func()) {
	e.t.Helper()
	cfg := plane.Config(e.t)
	scheme, err := server.NewScheme()
	require.NoError(e.t, err)
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:  scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&v1alpha1.GenerateRequest{}: {Namespaces: map[string]cache.Config{e.namespace: {}}},
		}},
	})
	require.NoError(e.t, err)
	rc, err := clustercontext.NewRESTClient(cfg, types.NamespacedName{})
	require.NoError(e.t, err)
	_, err = generate.Setup(mgr, generate.Options{Engine: e.engine, Store: e.store, Namespace: e.namespace,
		Loader: &clustercontext.Loader{Cache: mgr.GetClient(), Reader: mgr.GetAPIReader(), REST: rc}, MaxBackoff: 2 * time.Second})
	require.NoError(e.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		require.NoError(e.t, <-done)
	}
	e.t.Cleanup(stop)
	return stop
}

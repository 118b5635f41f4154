package registration

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// admissionCall is one request the API server sent to the webhook.
type admissionCall struct {
	path, kind, namespace string
}

// admissionRecorder allows every request and records it.
type admissionRecorder struct {
	mu    sync.Mutex
	calls []admissionCall
}

func (r *admissionRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var review admissionv1.AdmissionReview
	if err := json.NewDecoder(req.Body).Decode(&review); err != nil || review.Request == nil {
		http.Error(w, "not an AdmissionReview", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.calls = append(r.calls, admissionCall{req.URL.Path, review.Request.Kind.Kind, review.Request.Namespace})
	r.mu.Unlock()
	review.Response = &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true}
	review.Request = nil
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&review)
}

// seen reports whether some call matched.
func (r *admissionRecorder) seen(match func(admissionCall) bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.calls {
		if match(c) {
			return true
		}
	}
	return false
}

// realClient returns a client that counts its writes in writes, and a Syncer with the discovery-based RESTMapper
// bylaw serve uses.
func realClient(t *testing.T, cfg *rest.Config, writes *atomic.Int32) (client.Client, *Syncer) {
	t.Helper()
	httpClient, err := rest.HTTPClientFor(cfg)
	require.NoError(t, err)
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, httpClient)
	require.NoError(t, err)
	c, err := client.NewWithWatch(cfg, client.Options{HTTPClient: httpClient, Mapper: mapper})
	require.NoError(t, err)
	counting := interceptor.NewClient(c, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			writes.Add(1)
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			writes.Add(1)
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, p client.Patch,
			opts ...client.PatchOption) error {
			writes.Add(1)
			return c.Patch(ctx, obj, p, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			writes.Add(1)
			return c.Delete(ctx, obj, opts...)
		},
	})
	return counting, &Syncer{Mapper: mapper}
}

func TestSyncAgainstAPIServer(t *testing.T) {
	cfg := controlPlane(t)
	ctx := log.IntoContext(t.Context(), testr.New(t))
	var writes atomic.Int32
	c, s := realClient(t, cfg, &writes)
	rec := &admissionRecorder{}
	srv := httptest.NewTLSServer(rec)
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	s.Options = Options{URL: srv.URL, ExcludedNamespaces: []string{"kube-system", "excluded"},
		Labels: map[string]string{"test": "registration"}}
	t.Cleanup(func() { _ = s.Sync(context.Background(), c, nil, ca) })

	first := loadPolicies(t,
		clusterPolicy("cm", rule("r", "validate", []string{"ConfigMap", "apps/v1/Deployment", "Pod/exec", "Widget"})),
		policyDoc("ClusterPolicy", "wide", "  failurePolicy: Ignore\n  webhookTimeoutSeconds: 5\n",
			rule("r", "validate", []string{"*", "Pod", "Pod/*", "Pod/exec", "*/scale", "Namespace",
				"networking.k8s.io/v1/NetworkPolicy"}, "CREATE")),
		policyDoc("Policy", "ns", "", rule("r", "validate", []string{"Secret", "v1/Pod"}, "CREATE", "UPDATE")),
		clusterPolicy("mut", rule("m", "mutate", []string{"Secret", "Deployment"})),
	)
	require.NoError(t, s.Sync(ctx, c, first, ca))
	v, m := configurations(t, c)
	require.NotNil(t, v, "the API server accepted the validating configuration")
	require.NotNil(t, m, "the API server accepted the mutating configuration")
	assert.Equal(t, map[string][]string{
		"validate-fail-10.bylaw.dev": {
			"core/v1 configmaps,pods/exec " + allOps + " *",
			"core/v1 pods,pods/ephemeralcontainers,secrets CREATE,UPDATE Namespaced",
			"apps/v1 deployments " + allOps + " *",
		},
		"validate-ignore-5.bylaw.dev": {
			"core/v1 pods/* CREATE *",
			"*/* *,*/scale,pods/ephemeralcontainers CREATE *",
		},
	}, describeValidating(v))
	assert.Equal(t, map[string][]string{"mutate-fail-10.bylaw.dev": {
		"core/v1 secrets CREATE,UPDATE *",
		"apps/v1 deployments CREATE,UPDATE *",
	}}, describeMutating(m))

	// A second sync finds nothing to change: what Desired returns equals what the server stored, defaults included.
	writes.Store(0)
	require.NoError(t, s.Sync(ctx, c, first, ca))
	assert.Zero(t, writes.Load(), "the second sync wrote")
	v2, m2 := configurations(t, c)
	assert.Equal(t, v.ResourceVersion, v2.ResourceVersion)
	assert.Equal(t, m.ResourceVersion, m2.ResourceVersion)

	checkAPIServerCalls(ctx, t, c, rec)

	// Other policies: the validating configuration is updated, the mutating one is no longer needed.
	second := loadPolicies(t, clusterPolicy("cm", rule("r", "validate", []string{"ConfigMap"}, "DELETE")))
	require.NoError(t, s.Sync(ctx, c, second, ca))
	v3, m3 := configurations(t, c)
	require.NotNil(t, v3)
	assert.Nil(t, m3)
	assert.NotEqual(t, v2.ResourceVersion, v3.ResourceVersion)
	assert.Equal(t, map[string][]string{"validate-fail-10.bylaw.dev": {"core/v1 configmaps DELETE *"}},
		describeValidating(v3))
	assert.Equal(t, "registration", v3.Labels["test"])

	// No policy: no configuration.
	require.NoError(t, s.Sync(ctx, c, nil, ca))
	v4, m4 := configurations(t, c)
	assert.Nil(t, v4)
	assert.Nil(t, m4)
}

// checkAPIServerCalls creates objects and checks that the API server calls the webhook of each class on the path
// Path names, and never for an excluded namespace.
func checkAPIServerCalls(ctx context.Context, t *testing.T, c client.Client, rec *admissionRecorder) {
	t.Helper()
	for _, ns := range []string{"included", "excluded"} {
		require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	}
	wants := []admissionCall{
		{"/validate/fail/10", "ConfigMap", "included"},
		{"/validate/ignore/5", "ConfigMap", "included"},
		{"/validate/fail/10", "Secret", "included"},
		{"/mutate/fail/10", "Secret", "included"},
	}
	for _, want := range wants {
		// The API server loads a new configuration asynchronously: create objects until the call shows up.
		require.EventuallyWithT(t, func(ct *assert.CollectT) {
			require.NoError(ct, c.Create(ctx, probe(want.kind, want.namespace)))
			assert.True(ct, rec.seen(func(got admissionCall) bool { return got == want }))
		}, 30*time.Second, 200*time.Millisecond, "the API server never called %v", want)
	}
	require.NoError(t, c.Create(ctx, probe("ConfigMap", "excluded")))
	require.NoError(t, c.Create(ctx, probe("Secret", "excluded")))
	assert.False(t, rec.seen(func(got admissionCall) bool { return got.namespace == "excluded" }),
		"the API server called the webhook for an excluded namespace")
}

// probe returns a new ConfigMap or Secret to create in namespace.
func probe(kind, namespace string) client.Object {
	meta := metav1.ObjectMeta{GenerateName: "probe-", Namespace: namespace}
	if kind == "Secret" {
		return &corev1.Secret{ObjectMeta: meta}
	}
	return &corev1.ConfigMap{ObjectMeta: meta}
}

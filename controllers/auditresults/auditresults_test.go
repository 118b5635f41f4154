package auditresults_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/controllers/auditresults"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/server"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

var plane = controlplane.Plane{CRDs: controlplane.BylawCRDs()}

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

const wait = 20 * time.Second

// leader runs the reconciler in a manager, as the leader does, and returns a client of the plane.
func leader(t *testing.T, store *policy.Store, book *reports.Book) client.Client {
	t.Helper()
	scheme, err := server.NewScheme()
	require.NoError(t, err)
	mgr, err := ctrl.NewManager(plane.Config(t), ctrl.Options{Scheme: scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	require.NoError(t, err)
	require.NoError(t, (&auditresults.Reconciler{Client: mgr.GetClient(), Store: store, Book: book}).SetupWithManager(mgr))
	ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), testr.New(t)))
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	c, err := client.New(plane.Config(t), client.Options{Scheme: scheme})
	require.NoError(t, err)
	return c
}

func namespace(t *testing.T, c client.Client) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "audit-"}}
	require.NoError(t, c.Create(context.Background(), ns))
	return ns.Name
}

func podObject(ns, name, uid string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"namespace": ns, "name": name, "uid": uid}}
}

func failed(p *engine.Policy, message string) engine.PolicyResult {
	return engine.PolicyResult{Policy: p, Rules: []engine.RuleResult{{Rule: "team", Status: engine.StatusFail,
		Message: message, Action: engine.ActionAudit}}}
}

func TestRecordedResultsReachTheLeadersBook(t *testing.T) {
	admissionOnly := &engine.Policy{Kind: "ClusterPolicy", Name: "admission-team"}
	late := &engine.Policy{Kind: "ClusterPolicy", Name: "late-policy"}
	store := policy.NewStore()
	store.ReplaceSource("test", []*engine.Policy{admissionOnly}, nil)
	store.MarkReady()
	book := reports.NewBook(reports.Options{})
	c := leader(t, store, book)
	ns := namespace(t, c)
	rec := &auditresults.Recorder{Client: c, Namespace: ns}
	ctx := context.Background()

	tests := []struct {
		name   string
		pod    string
		result engine.PolicyResult
		before func()
	}{
		{name: "a policy the leader holds", pod: "a", result: failed(admissionOnly, "team label missing")},
		{name: "a policy the leader loads later", pod: "b", result: failed(late, "late"),
			before: func() {
				time.AfterFunc(2*time.Second, func() { store.ReplaceSource("test", []*engine.Policy{admissionOnly, late}, nil) })
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			require.NoError(t, rec.Record(ctx, podObject(ns, tt.pod, "uid-"+tt.pod), []engine.PolicyResult{tt.result}))
			require.Eventually(t, func() bool { return reported(t, book, ns, tt.result.Policy.Key(), tt.pod) }, wait, 50*time.Millisecond)
			require.Eventually(t, func() bool {
				var list v1alpha1.AuditResultList
				require.NoError(t, c.List(ctx, &list, client.InNamespace(ns)))
				return len(list.Items) == 0
			}, wait, 50*time.Millisecond, "the leader deletes what it took")
		})
	}
}

// reported reports whether the book's report of ns holds a fail result of policy for Pod name.
func reported(t *testing.T, book *reports.Book, ns, policyKey, name string) bool {
	r, err := book.Report(ns)
	require.NoError(t, err)
	if r.Object == nil {
		return false
	}
	for _, res := range r.Object.(*v1alpha2.PolicyReport).Results {
		if res.Policy == policyKey && len(res.Resources) == 1 && res.Resources[0].Name == name {
			assert.Equal(t, v1alpha2.PolicyResult("fail"), res.Result)
			return true
		}
	}
	return false
}

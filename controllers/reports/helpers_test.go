package reports_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	ctlreports "github.com/bylaw-dev/bylaw/controllers/reports"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
)

const (
	waitFor = 20 * time.Second
	tick    = 20 * time.Millisecond
)

// t0 is the clock of the tests' books, so that equal results give equal reports.
var t0 = time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)

// env is one test's client of the package's control plane, and the report API its books build.
type env struct {
	t      *testing.T
	ctx    context.Context
	c      client.WithWatch
	scheme *runtime.Scheme
	api    reports.API
}

// newEnv returns an env whose books build wgpolicyk8s.io PolicyReports.
func newEnv(t *testing.T) *env { return newEnvFor(t, reports.WGPolicy) }

// newEnvFor returns an env whose books build reports in api.
func newEnvFor(t *testing.T, api reports.API) *env {
	t.Helper()
	scheme := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(scheme))
	require.NoError(t, v1alpha2.AddToScheme(scheme))
	require.NoError(t, orv1alpha1.AddToScheme(scheme))
	c, err := client.NewWithWatch(plane.Config(t), client.Options{Scheme: scheme})
	require.NoError(t, err)
	return &env{t: t, ctx: context.Background(), c: c, scheme: scheme, api: api}
}

// eachAPI runs test once per report API, as a subtest with an env of that API.
func eachAPI(t *testing.T, test func(t *testing.T, e *env)) {
	for _, api := range reports.APIs() {
		t.Run(string(api), func(t *testing.T) { test(t, newEnvFor(t, api)) })
	}
}

// namespace creates a namespace named prefix-<random>. envtest runs no namespace controller: a deleted namespace
// stays terminating.
func (e *env) namespace(prefix string) string {
	e.t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}
	require.NoError(e.t, e.c.Create(e.ctx, ns))
	return ns.Name
}

// newBook returns an empty Book with the tests' clock, building PolicyReports.
func newBook() *reports.Book { return newBookFor(reports.WGPolicy) }

// newBookFor returns an empty Book with the tests' clock, building reports in api.
func newBookFor(api reports.API) *reports.Book {
	return reports.NewBook(reports.Options{Now: func() time.Time { return t0 }, API: api})
}

// newBook returns an empty Book with the tests' clock, building reports in the env's API.
func (e *env) newBook() *reports.Book { return newBookFor(e.api) }

// reportObject returns an empty report object of the env's API for ns, with meta.
func (e *env) reportObject(ns string, meta metav1.ObjectMeta) client.Object {
	e.t.Helper()
	obj, err := e.scheme.New(e.api.GroupVersionKind(ns))
	require.NoError(e.t, err)
	o := obj.(client.Object)
	meta.DeepCopyInto(objectMeta(o))
	return o
}

// objectMeta returns the metadata of a report object of either API.
func objectMeta(obj client.Object) *metav1.ObjectMeta {
	switch r := obj.(type) {
	case *v1alpha2.PolicyReport:
		return &r.ObjectMeta
	case *v1alpha2.ClusterPolicyReport:
		return &r.ObjectMeta
	case *orv1alpha1.Report:
		return &r.ObjectMeta
	case *orv1alpha1.ClusterReport:
		return &r.ObjectMeta
	}
	return nil
}

// running is one started Writer.
type running struct {
	t      *testing.T
	writer *ctlreports.Writer
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan error
}

// start runs a Writer of book through c until the test ends.
func (e *env) start(c client.Client, book *reports.Book, opts ctlreports.Options) *running {
	e.t.Helper()
	if opts.Interval == 0 {
		opts.Interval = 50 * time.Millisecond
	}
	r := &running{t: e.t, reg: prometheus.NewRegistry(), done: make(chan error, 1)}
	metrics, err := ctlreports.NewMetrics(r.reg)
	require.NoError(e.t, err)
	r.writer = ctlreports.New(c, book, metrics, opts)
	require.True(e.t, r.writer.NeedLeaderElection())
	ctx, cancel := context.WithCancel(logr.NewContext(e.ctx, testr.New(e.t)))
	r.cancel = cancel
	go func() { r.done <- r.writer.Start(ctx) }()
	e.t.Cleanup(r.stop)
	return r
}

// stop stops the Writer and waits for it.
func (r *running) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		require.NoError(r.t, err)
	case <-time.After(waitFor):
		r.t.Fatal("the writer did not stop")
	}
}

// metric returns the sum of the values (sample counts for histograms) of the metric family name.
func (r *running) metric(name string) float64 {
	r.t.Helper()
	families, err := r.reg.Gather()
	require.NoError(r.t, err)
	total := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			total += m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total
}

// stored is what the tests check of a report on the API server.
type stored struct {
	Summary         v1alpha2.PolicyReportSummary
	Results         []v1alpha2.PolicyReportResult
	Scope           *corev1.ObjectReference
	Source          string // the report-level source (openreports.io)
	Labels          map[string]string
	Annotations     map[string]string
	ResourceVersion string
	Managers        []string
}

// report reads the report of ns (reports.ClusterScope for the cluster report) in the env's API; nil when there is
// none.
func (e *env) report(ns string) *stored {
	e.t.Helper()
	name := reports.PolicyReportName
	if ns == reports.ClusterScope {
		name = reports.ClusterPolicyReportName
	}
	obj := e.reportObject(ns, metav1.ObjectMeta{})
	err := e.c.Get(e.ctx, client.ObjectKey{Namespace: ns, Name: name}, obj)
	if apierrors.IsNotFound(err) {
		return nil
	}
	require.NoError(e.t, err)
	s := &stored{Labels: obj.GetLabels(), Annotations: obj.GetAnnotations(), ResourceVersion: obj.GetResourceVersion()}
	for _, mf := range obj.GetManagedFields() {
		s.Managers = append(s.Managers, mf.Manager+"/"+string(mf.Operation))
	}
	s.Results = reports.ResultsOf(obj)
	switch rep := obj.(type) {
	case *v1alpha2.PolicyReport:
		s.Summary, s.Scope = rep.Summary, rep.Scope
	case *v1alpha2.ClusterPolicyReport:
		s.Summary = rep.Summary
	case *orv1alpha1.Report:
		s.Summary, s.Scope, s.Source = v1alpha2.PolicyReportSummary(rep.Summary), rep.Scope, rep.Source
	case *orv1alpha1.ClusterReport:
		s.Summary, s.Source = v1alpha2.PolicyReportSummary(rep.Summary), rep.Source
	}
	return s
}

// eventually waits until the report of each namespace of want has the given summary; nil means no report.
func (e *env) eventually(want map[string]*v1alpha2.PolicyReportSummary, extra ...func() bool) {
	e.t.Helper()
	require.Eventually(e.t, func() bool {
		for ns, sum := range want {
			got := e.report(ns)
			if (got == nil) != (sum == nil) || got != nil && got.Summary != *sum {
				return false
			}
		}
		for _, ok := range extra {
			if !ok() {
				return false
			}
		}
		return true
	}, waitFor, tick, "reports: want %v", want)
}

// versions returns the resourceVersion of the report of each namespace ("" for none).
func (e *env) versions(namespaces ...string) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, ns := range namespaces {
		if rep := e.report(ns); rep != nil {
			out[ns] = rep.ResourceVersion
		} else {
			out[ns] = ""
		}
	}
	return out
}

// newPolicy returns a ClusterPolicy named name with annotations.
func newPolicy(name string, annotations map[string]string) *engine.Policy {
	if annotations == nil {
		annotations = map[string]string{}
	}
	return &engine.Policy{Kind: "ClusterPolicy", Name: name, Annotations: annotations, Background: true}
}

// pod returns the identity of a Pod.
func pod(ns, name string) reports.Resource {
	return reports.Resource{APIVersion: "v1", Kind: "Pod", Namespace: ns, Name: name,
		UID: types.UID("uid-" + ns + "-" + name)}
}

// namespaceObj returns the identity of a Namespace (cluster-scoped).
func namespaceObj(name string) reports.Resource {
	return reports.Resource{APIVersion: "v1", Kind: "Namespace", Name: name, UID: types.UID("uid-ns-" + name)}
}

// result returns the result of p's one rule.
func result(p *engine.Policy, rule string, status engine.Status, message string) engine.PolicyResult {
	return engine.PolicyResult{Policy: p, Rules: []engine.RuleResult{{Rule: rule, Type: engine.RuleValidate,
		Status: status, Message: message, Action: engine.ActionAudit}}}
}

// summary returns a summary pointer, for eventually.
func summary(pass, fail int) *v1alpha2.PolicyReportSummary {
	return &v1alpha2.PolicyReportSummary{Pass: pass, Fail: fail}
}

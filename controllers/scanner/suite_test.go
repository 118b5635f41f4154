package scanner_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/bylaw-dev/bylaw/controllers/scanner"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

var plane controlplane.Plane

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

// harness is a running scanner on the package's control plane.
type harness struct {
	t       *testing.T
	kube    kubernetes.Interface
	store   *policy.Store
	book    *reports.Book
	loader  *policy.Loader
	scanner *scanner.Scanner
	cancel  context.CancelFunc
	done    chan error
}

// start runs a scanner over the policies given as YAML (source "test").
func start(t *testing.T, opts scanner.Options, policies ...string) *harness {
	t.Helper()
	cfg := rest.CopyConfig(plane.Config(t))
	cfg.QPS, cfg.Burst = 500, 1000
	h := &harness{t: t, store: policy.NewStore(), book: reports.NewBook(reports.Options{}),
		loader: policy.NewLoader(engine.New()), done: make(chan error, 1)}
	h.kube = kubernetes.NewForConfigOrDie(cfg)
	h.setPolicies(policies...)
	h.store.MarkReady()
	httpClient, err := rest.HTTPClientFor(cfg)
	require.NoError(t, err)
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, httpClient)
	require.NoError(t, err)
	h.scanner = &scanner.Scanner{Store: h.store, Engine: engine.New(), Book: h.book, Mapper: mapper,
		Metadata: metadata.NewForConfigOrDie(cfg), Dynamic: dynamic.NewForConfigOrDie(cfg), Options: opts}
	ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), testr.New(t)))
	h.cancel = cancel
	go func() { h.done <- h.scanner.Start(ctx) }()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		require.NoError(h.t, err)
	case <-time.After(30 * time.Second):
		h.t.Fatal("the scanner did not stop")
	}
}

// setPolicies replaces the test source's policies and exceptions.
func (h *harness) setPolicies(docs ...string) {
	h.t.Helper()
	var ps []*engine.Policy
	var xs []*engine.Exception
	for i, d := range docs {
		set := h.loader.LoadBytes(fmt.Sprintf("policy-%d.yaml", i), []byte(d))
		require.Empty(h.t, set.Errors)
		ps, xs = append(ps, set.Policies...), append(xs, set.Exceptions...)
	}
	h.store.ReplaceSource("test", ps, xs)
}

// namespace creates a namespace named prefix-<random> (envtest runs no namespace controller: deleted namespaces
// stay terminating, so names are not reused).
func (h *harness) namespace(name string, labels map[string]string) string {
	h.t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: name + "-", Labels: labels}}
	out, err := h.kube.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{})
	require.NoError(h.t, err)
	return out.Name
}

func (h *harness) pod(ns, name string, labels map[string]string) *corev1.Pod {
	h.t.Helper()
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}}}
	out, err := h.kube.CoreV1().Pods(ns).Create(context.Background(), p, metav1.CreateOptions{})
	require.NoError(h.t, err)
	return out
}

// summary returns the summary of a namespace's report, or a zero one.
func (h *harness) summary(ns string) summaryCounts {
	r, err := h.book.Report(ns)
	require.NoError(h.t, err)
	return summaryCounts{Pass: r.Summary.Pass, Fail: r.Summary.Fail, Skip: r.Summary.Skip, Error: r.Summary.Error}
}

type summaryCounts struct{ Pass, Fail, Skip, Error int }

// eventually waits until the namespace's summary is want.
func (h *harness) eventually(ns string, want summaryCounts) {
	h.t.Helper()
	var got summaryCounts
	require.Eventuallyf(h.t, func() bool {
		got = h.summary(ns)
		return got == want
	}, 30*time.Second, 50*time.Millisecond, "summary of %s: want %+v, last %+v", ns, want, &got)
}

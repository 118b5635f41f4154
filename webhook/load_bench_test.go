package webhook_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
	"github.com/bylaw-dev/bylaw/webhook"
	"github.com/bylaw-dev/bylaw/webhook/certs"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// podSecurityCorpus is the pod-security folder of the Kyverno policy corpus (16 ClusterPolicies), relative to this
// package in the shared checkout; BYLAW_CORPUS names another kyverno-policies folder.
const podSecurityCorpus = "../../shared/conformance/kyverno-policies/pod-security"

// corpusPodSecurity loads the pod-security ClusterPolicies of the corpus, failing tb when the corpus is missing: the
// admission benchmarks and the concurrency test mean nothing without it.
func corpusPodSecurity(tb testing.TB, eng *engine.Engine) []*engine.Policy {
	tb.Helper()
	dir := podSecurityCorpus
	if root := os.Getenv("BYLAW_CORPUS"); root != "" {
		dir = filepath.Join(root, "pod-security")
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir // .kyverno-test and .chainsaw-test hold test inputs, not policies
		case !d.IsDir() && filepath.Ext(path) == ".yaml":
			files = append(files, path)
		}
		return nil
	})
	require.NoError(tb, err, "the Kyverno policy corpus must be at %s (or BYLAW_CORPUS/pod-security)", dir)
	set := policy.NewLoader(eng).LoadPaths(tb.Context(), files...)
	require.Empty(tb, set.Errors, "loading %s", dir)
	require.Len(tb, set.Policies, 16, "pod-security ClusterPolicies in %s", dir)
	return set.Policies
}

// countingAuditor counts Audit failures, as a stand-in for the event recorder of `bylaw serve`.
type countingAuditor struct{ n atomic.Int64 }

func (a *countingAuditor) Audit(context.Context, *engine.Policy, engine.RuleResult, *admissionv1.AdmissionRequest) {
	a.n.Add(1)
}

// productionLogger is the logger `bylaw serve` builds with its default flags (--log-level info --log-format json),
// writing to io.Discard: info lines are encoded, as in production, then dropped.
func productionLogger() logr.Logger {
	return zap.New(zap.WriteTo(io.Discard), zap.Level(zapcore.InfoLevel), zap.JSONEncoder()).WithName("admission")
}

// admissionFixture is a Handler wired as server.newHandler wires it, over the corpus's pod-security policies.
type admissionFixture struct {
	handler *webhook.Handler
	audit   *countingAuditor
	path    string
}

func newAdmissionFixture(tb testing.TB) admissionFixture {
	tb.Helper()
	eng := engine.New()
	policies := corpusPodSecurity(tb, eng)
	store := policy.NewStore()
	store.ReplaceSource("corpus", policies, nil)
	store.MarkReady()
	metrics, err := webhook.NewMetrics(prometheus.NewRegistry())
	require.NoError(tb, err)
	path := registration.Path(false, policies[0].Webhook)
	for _, p := range policies {
		require.Equal(tb, path, registration.Path(false, p.Webhook), "policy %s is served on another path", p.Key())
	}
	audit := &countingAuditor{}
	h := &webhook.Handler{Engine: eng, Store: store, Audit: audit, Metrics: metrics, Kinds: coreKinds(),
		Excluded: []string{"kube-system"}, MaxRequestBytes: webhook.DefaultMaxRequestBytes, Log: productionLogger()}
	return admissionFixture{handler: h, audit: audit, path: path}
}

// podReviews returns n AdmissionReviews (CREATE) of generated Pods, with violationRatio of them violating.
func podReviews(tb testing.TB, n int, violationRatio float64) [][]byte {
	tb.Helper()
	pods := gen.Generate(gen.Options{Count: n, Seed: 7, ViolationRatio: violationRatio})
	out := make([][]byte, len(pods))
	for i, p := range pods {
		out[i] = podReview(tb, fmt.Sprintf("uid-%d", i), p.Object)
	}
	return out
}

func podReview(tb testing.TB, uid string, pod map[string]any) []byte {
	tb.Helper()
	raw, err := json.Marshal(pod)
	require.NoError(tb, err)
	meta, _ := pod["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	namespace, _ := meta["namespace"].(string)
	dryRun := false
	data, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID(uid), Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:        metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			RequestKind:     &metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			RequestResource: &metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Name:            name, Namespace: namespace, Operation: admissionv1.Create, DryRun: &dryRun,
			UserInfo: authenticationv1.UserInfo{Username: "system:serviceaccount:kube-system:replicaset-controller",
				UID: "5f0c2d7e", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}},
			Object:  runtime.RawExtension{Raw: raw},
			Options: runtime.RawExtension{Raw: []byte(`{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}`)},
		},
	})
	require.NoError(tb, err)
	return data
}

// reviewMixes are the request mixes of the benchmarks: compliant Pods only, violating Pods only, and the generator's
// default share of violations.
func reviewMixes() []struct {
	name  string
	ratio float64
} {
	return []struct {
		name  string
		ratio float64
	}{{"compliant", 0}, {"violating", 1}, {"mixed", gen.DefaultViolationRatio}}
}

// BenchmarkAdmissionServeHTTP is the handler's own cost per request: ServeHTTP in-process, no TLS, no network.
func BenchmarkAdmissionServeHTTP(b *testing.B) {
	fx := newAdmissionFixture(b)
	for _, mix := range reviewMixes() {
		bodies := podReviews(b, 256, mix.ratio)
		b.Run(mix.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				serveInProcess(b, fx.handler, fx.path, bodies[i%len(bodies)])
				i++
			}
		})
		b.Run(mix.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					serveInProcess(b, fx.handler, fx.path, bodies[int(next.Add(1))%len(bodies)])
				}
			})
		})
	}
}

func serveInProcess(b *testing.B, h http.Handler, path string, body []byte) {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		b.Fatalf("status %d: %s", w.Code, w.Body.String())
	}
}

// BenchmarkAdmissionTLS posts the reviews over TLS with keep-alive to an httptest server, as the API server does: on
// HTTP/1.1 (what `bylaw serve` negotiates: its TLS config offers no h2) and on HTTP/2, one request at a time and in
// parallel. The difference to BenchmarkAdmissionServeHTTP is the cost of TLS, HTTP and the client.
func BenchmarkAdmissionTLS(b *testing.B) {
	fx := newAdmissionFixture(b)
	bodies := podReviews(b, 256, gen.DefaultViolationRatio)
	for _, proto := range []string{"h1", "h2"} {
		srv := httptest.NewUnstartedServer(fx.handler)
		var conns atomic.Int64 // TLS handshakes: keep-alive should hold them at the client's connection count
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		srv.EnableHTTP2 = proto == "h2"
		srv.TLS = servingTLS(b, proto)
		srv.StartTLS()
		client := srv.Client()
		url := srv.URL + fx.path
		b.Run(proto, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				postTLS(b, client, url, bodies[i%len(bodies)], proto)
				i++
			}
		})
		b.Run(proto+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			var next atomic.Int64
			var lat latencies
			b.RunParallel(func(pb *testing.PB) {
				var own []time.Duration
				for pb.Next() {
					start := time.Now()
					postTLS(b, client, url, bodies[int(next.Add(1))%len(bodies)], proto)
					own = append(own, time.Since(start))
				}
				lat.add(own)
			})
			lat.report(b)
			b.ReportMetric(float64(conns.Load()), "conns")
		})
		if proto == "h1" {
			// A connection per request: what the API server pays when its pool of idle connections is exhausted.
			fresh := &http.Client{Transport: &http.Transport{TLSClientConfig: client.Transport.(*http.Transport).TLSClientConfig,
				DisableKeepAlives: true}}
			b.Run("h1/new-connection", func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					postTLS(b, fresh, url, bodies[i%len(bodies)], proto)
					i++
				}
			})
		}
		srv.Close()
	}
}

// servingTLS is the TLS configuration of `bylaw serve` (webhook/certs: an ECDSA P-256 serving certificate from
// its own CA, TLS 1.2+) for 127.0.0.1, offering h2 too when proto is "h2" (`bylaw serve` offers only HTTP/1.1).
func servingTLS(tb testing.TB, proto string) *tls.Config {
	tb.Helper()
	opts := certs.Options{IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	ca, err := certs.NewCA(opts, time.Now())
	require.NoError(tb, err)
	serving, err := certs.NewServingCert(ca, opts, time.Now())
	require.NoError(tb, err)
	pair, err := tls.X509KeyPair(serving.CertPEM, serving.KeyPEM)
	require.NoError(tb, err)
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}
	if proto == "h2" {
		cfg.NextProtos = []string{"h2"}
	}
	return cfg
}

// latencies collects request durations of a parallel benchmark, to report their percentiles (closed loop: a slow
// answer delays the next request of its goroutine, so these understate an open-loop tail).
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, d...)
}

func (l *latencies) report(b *testing.B) {
	if len(l.all) == 0 {
		return
	}
	slices.Sort(l.all)
	at := func(q float64) float64 { return float64(l.all[int(q*float64(len(l.all)-1))].Microseconds()) }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(float64(l.all[len(l.all)-1].Microseconds()), "max-µs")
}

func postTLS(b *testing.B, client *http.Client, url string, body []byte, proto string) {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	if want := map[string]int{"h1": 1, "h2": 2}[proto]; resp.ProtoMajor != want {
		b.Fatalf("protocol %s, want HTTP/%d", resp.Proto, want)
	}
}

// BenchmarkAdmissionEvents is BenchmarkAdmissionServeHTTP/mixed with the Audit failures recorded as `bylaw serve`
// records them: EventAuditor over client-go's events broadcaster, writing to a fake clientset. The difference is the
// cost of an event per Audit failure (two goroutines, three deep copies and a broadcaster-wide lock per event; the
// broadcaster folds repeats per policy into a series, so the API server sees few writes).
func BenchmarkAdmissionEvents(b *testing.B) {
	fx := newAdmissionFixture(b)
	scheme := runtime.NewScheme()
	require.NoError(b, clientgoscheme.AddToScheme(scheme))
	require.NoError(b, v1alpha1.AddToScheme(scheme))
	broadcaster := events.NewBroadcaster(&events.EventSinkImpl{Interface: fake.NewClientset().EventsV1()})
	require.NoError(b, broadcaster.StartRecordingToSinkWithContext(b.Context()))
	b.Cleanup(broadcaster.Shutdown)
	fx.handler.Audit = webhook.EventAuditor{Recorder: broadcaster.NewRecorder(scheme, "bylaw-admission")}
	bodies := podReviews(b, 256, gen.DefaultViolationRatio)
	b.ReportAllocs()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serveInProcess(b, fx.handler, fx.path, bodies[int(next.Add(1))%len(bodies)])
		}
	})
}

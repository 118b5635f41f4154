package webhook_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
	"github.com/bylaw-dev/bylaw/webhook"
)

const (
	concurrentRequests = 10000
	concurrentWorkers  = 200 // the race detector allows at most 8,128 live goroutines
)

// firstPod returns the first generated Pod carrying violation v.
func firstPod(t *testing.T, v gen.Violation) map[string]any {
	t.Helper()
	for _, p := range gen.Generate(gen.Options{Count: 200, Seed: 3, ViolationRatio: 0.9}) {
		if p.Violation == v {
			return p.Object
		}
	}
	t.Fatalf("no generated Pod with violation %q", v)
	return nil
}

// answer posts one review through ServeHTTP and returns its response with the UID checked against uid and cleared,
// re-encoded, so answers to different requests compare byte for byte.
func answer(h http.Handler, path, uid string, body []byte) ([]byte, error) {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", w.Code, w.Body.String())
	}
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		return nil, err
	}
	if out.Response == nil || out.Response.UID != types.UID(uid) {
		return nil, fmt.Errorf("request %s answered with %+v", uid, out.Response)
	}
	out.Response.UID = ""
	return json.Marshal(out.Response)
}

// TestDenyVerdictStableUnderConcurrency sends 10,000 requests from 200 goroutines to one Handler wired as `bylaw
// serve` wires it, over the corpus's pod-security policies: a Pod they deny interleaved with one they admit (so state
// leaking from one request into another shows). Every answer must equal the first answer for its Pod (allowed,
// status message, warnings), and the audit events and metrics must count every request. `make test` runs it with
// -race too, which reports any unsynchronised shared state on the admission path.
func TestDenyVerdictStableUnderConcurrency(t *testing.T) {
	fx := newAdmissionFixture(t)
	reg := prometheus.NewRegistry()
	metrics, err := webhook.NewMetrics(reg)
	require.NoError(t, err)
	fx.handler.Metrics = metrics
	pods := []map[string]any{firstPod(t, gen.Privileged), firstPod(t, gen.None)}
	want := make([][]byte, len(pods))
	for i, pod := range pods {
		want[i], err = answer(fx.handler, fx.path, "first", podReview(t, "first", pod))
		require.NoError(t, err)
	}
	var deny admissionv1.AdmissionResponse
	require.NoError(t, json.Unmarshal(want[0], &deny))
	require.False(t, deny.Allowed, "the privileged Pod must be denied")
	require.Contains(t, deny.Result.Message, "podsecurity-subrule-restricted-seccomp")
	require.NotEmpty(t, deny.Warnings, "the Audit policies the Pod fails must warn")
	assert.Contains(t, string(want[1]), `"allowed":true`)
	auditsPerDenial := fx.audit.n.Load()

	bodies := make([][]byte, concurrentRequests)
	for n := range bodies {
		bodies[n] = podReview(t, fmt.Sprintf("uid-%d", n), pods[n%2])
	}
	got := make([][]byte, concurrentRequests)
	errs := make([]error, concurrentRequests)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range concurrentWorkers {
		wg.Go(func() {
			for n := range jobs {
				got[n], errs[n] = answer(fx.handler, fx.path, fmt.Sprintf("uid-%d", n), bodies[n])
			}
		})
	}
	for n := range bodies {
		jobs <- n
	}
	close(jobs)
	wg.Wait()

	for n := range got {
		require.NoError(t, errs[n], "request %d", n)
		require.Equal(t, string(want[n%2]), string(got[n]), "request %d (pod %d)", n, n%2)
	}
	answered := float64(concurrentRequests/2 + 1) // and the first request for each Pod
	assert.Equal(t, int64(answered)*auditsPerDenial, fx.audit.n.Load(), "audit failures recorded")
	assert.Equal(t, answered, requestsCounted(t, reg, "false"), "denials counted")
	assert.Equal(t, answered, requestsCounted(t, reg, "true"), "admissions counted")
}

// requestsCounted sums bylaw_admission_requests_total over the series with label allowed.
func requestsCounted(t *testing.T, reg *prometheus.Registry, allowed string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	sum := 0.0
	for _, f := range families {
		if f.GetName() != "bylaw_admission_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "allowed" && l.GetValue() == allowed {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum
}

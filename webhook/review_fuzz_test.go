package webhook

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bylaw-dev/bylaw/engine"
)

// fuzzReviewLimit is small so that inputs the fuzzer grows reach the size refusal too.
const fuzzReviewLimit = 2048

var errNoLabels = errors.New("no such namespace")

// fuzzKinds names the kind of the core pods resource only, so that subresource requests meet both answers.
var fuzzKinds = func() meta.RESTMapper {
	m := meta.NewDefaultRESTMapper(nil)
	m.Add(schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, meta.RESTScopeNamespace)
	return m
}()

// fuzzLabels answers every namespace but "gone".
type fuzzLabels struct{}

func (fuzzLabels) NamespaceLabels(_ context.Context, name string) (map[string]string, error) {
	if name == "gone" {
		return nil, errNoLabels
	}
	return map[string]string{"kubernetes.io/metadata.name": name}, nil
}

// FuzzReadReview feeds arbitrary bytes as the body of an admission request through what every request passes before
// evaluation: readReview, then toEngineRequest. Nothing may panic; a refusal is an *httpError answering 400 or 413
// (or the namespace cache's error); an accepted review has a request with a uid, and its objects hold only the JSON
// types the engine evaluates (integers as int64).
func FuzzReadReview(f *testing.F) {
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":3}}`
	for _, seed := range []string{
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","kind":{"version":"v1",` +
			`"kind":"Pod"},"operation":"CREATE","namespace":"shop","name":"web","object":` + pod + `}}`,
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"2","kind":{"version":"v1",` +
			`"kind":"Pod"},"operation":"UPDATE","namespace":"gone","object":` + pod + `,"oldObject":` + pod + `,"dryRun":true}}`,
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"3","kind":{"kind":"Namespace"},` +
			`"namespace":"shop","operation":"DELETE","object":null,"oldObject":{"n":1e400}}}`,
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"4","object":[1,2]}}`,
		`{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"5"}}`,
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"6","kind":{"version":"v1",` +
			`"kind":"PodExecOptions"},"resource":{"version":"v1","resource":"pods"},"subResource":"exec",` +
			`"operation":"CONNECT","namespace":"shop","name":"web","object":{"kind":"PodExecOptions"}}}`,
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"7","resource":{"group":"x",` +
			`"version":"v1","resource":"widgets"},"subResource":"scale","operation":"UPDATE"}}`,
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}`,
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`,
		`{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/validate/fail/10", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		review, err := readReview(httptest.NewRecorder(), r, fuzzReviewLimit)
		if err != nil {
			requireRefusal(t, err, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
			return
		}
		require.NotNil(t, review.Request)
		require.NotEmpty(t, review.Request.UID)
		req, err := toEngineRequest(context.Background(), review.Request, fuzzLabels{}, fuzzKinds)
		if errors.Is(err, errNoLabels) {
			return
		}
		if err != nil {
			requireRefusal(t, err, http.StatusBadRequest)
			return
		}
		requireEngineJSON(t, req.Object)
		requireEngineJSON(t, req.OldObject)
		in := engine.NewInput(req)
		_, _ = in.Kind(), in.Name()
	})
}

func requireRefusal(t *testing.T, err error, statuses ...int) {
	t.Helper()
	var he *httpError
	require.ErrorAs(t, err, &he)
	require.Contains(t, statuses, he.status, err.Error())
}

// requireEngineJSON checks that v holds only what the engine's evaluation expects from decoded JSON.
func requireEngineJSON(t *testing.T, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
	case map[string]any:
		for _, e := range x {
			requireEngineJSON(t, e)
		}
	case []any:
		for _, e := range x {
			requireEngineJSON(t, e)
		}
	default:
		t.Fatalf("decoded object holds a %T (%v)", v, v)
	}
}

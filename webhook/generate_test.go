package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook"
)

const generatePolicies = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: pod-config, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  rules:
  - name: config
    match: {any: [{resources: {kinds: [Pod], selector: {matchLabels: {team: a}}}}]}
    generate:
      apiVersion: v1
      kind: ConfigMap
      name: "{{request.object.metadata.name}}-config"
      namespace: "{{request.object.metadata.namespace}}"
      data: {data: {pod: "{{request.object.metadata.name}}"}}
---
apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: pod-config-lenient, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  failurePolicy: Ignore
  rules:
  - name: config
    match: {any: [{resources: {kinds: [Pod], selector: {matchLabels: {team: a}}}}]}
    mutate:
      targets: [{apiVersion: v1, kind: ConfigMap, name: c, namespace: "{{request.object.metadata.namespace}}"}]
      patchStrategicMerge: {metadata: {labels: {touched: "yes"}}}
---
apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: namespace-quota}
spec:
  rules:
  - name: quota
    match: {any: [{resources: {kinds: [Namespace]}}]}
    generate:
      apiVersion: v1
      kind: ResourceQuota
      name: default
      namespace: "{{request.object.metadata.name}}"
      data: {spec: {hard: {pods: "10"}}}
`

// leftPod has left team a, which the generate rules select.
const leftPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop","labels":{"owner":"x"}},
"spec":{"containers":[{"name":"c","image":"nginx"}]}}`

// recorder records policy keys; it fails the first failures calls.
type recorder struct {
	mu       sync.Mutex
	failures int
	calls    int
	recorded []string
}

func (r *recorder) RecordGenerate(_ context.Context, p *engine.Policy, ar *admissionv1.AdmissionRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls <= r.failures {
		return errors.New("etcd is unhappy")
	}
	r.recorded = append(r.recorded, p.Key()+" "+string(ar.Operation))
	return nil
}

func newGenerateHandler(t *testing.T, rec *recorder) *webhook.Handler {
	t.Helper()
	h, _ := newHandler(t)
	set := policy.NewLoader(h.Engine).LoadBytes("generate.yaml", []byte(generatePolicies))
	require.Empty(t, set.Errors)
	store := policy.NewStore()
	store.ReplaceSource("test", append(h.Store.Snapshot().Policies, set.Policies...), nil)
	store.MarkReady()
	h.Store, h.Generate = store, rec
	return h
}

func TestGenerateRecording(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		body     []byte
		failures int
		allowed  bool
		recorded []string
		message  string
		warning  string
	}{
		{name: "a selected trigger is recorded", path: "/validate/fail/10",
			body: review("CREATE", "Pod", "", "shop", compliantPod, "", false), allowed: true, recorded: []string{"pod-config CREATE"}},
		{name: "a mutate-existing rule is recorded on its own webhook", path: "/validate/ignore/10",
			body: review("CREATE", "Pod", "", "shop", compliantPod, "", false), allowed: true,
			recorded: []string{"pod-config-lenient CREATE"}},
		{name: "a deletion is recorded", path: "/validate/fail/10",
			body: review("DELETE", "Pod", "", "shop", "", compliantPod, false), allowed: true, recorded: []string{"pod-config DELETE"}},
		{name: "an update that leaves the rule's selection is recorded", path: "/validate/fail/10",
			body: review("UPDATE", "Pod", "", "shop", leftPod, compliantPod, false), allowed: true,
			recorded: []string{"pod-config UPDATE"}},
		{name: "an update outside the rule's selection before and after is not", path: "/validate/fail/10",
			body: review("UPDATE", "Pod", "", "shop", leftPod, leftPod, false), allowed: true},
		{name: "a dry run is not recorded", path: "/validate/fail/10",
			body: review("CREATE", "Pod", "", "shop", compliantPod, "", true), allowed: true},
		{name: "a trigger the rule does not select is not recorded", path: "/validate/fail/10",
			body: review("CREATE", "Pod", "", "shop", unlabelledPod, "", false), allowed: true},
		{name: "a denied request is not recorded", path: "/validate/fail/10",
			body: review("CREATE", "Pod", "", "shop", privilegedPod, "", false), message: "privileged containers are not allowed"},
		{name: "a failed record is retried", path: "/validate/fail/10", failures: 2,
			body: review("CREATE", "Pod", "", "shop", compliantPod, "", false), allowed: true, recorded: []string{"pod-config CREATE"}},
		{name: "a record that keeps failing denies under failurePolicy Fail", path: "/validate/fail/10", failures: 100,
			body: review("CREATE", "Pod", "", "shop", compliantPod, "", false),
			message: "policy pod-config: the generate request for Pod/shop/web could not be recorded: etcd is unhappy; " +
				"the request is denied because the policy's failurePolicy is Fail"},
		{name: "a record that keeps failing warns under failurePolicy Ignore", path: "/validate/ignore/10", failures: 100,
			body: review("CREATE", "Pod", "", "shop", compliantPod, "", false), allowed: true,
			warning: "policy pod-config-lenient: the generate request for Pod/shop/web could not be recorded: etcd is unhappy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{failures: tt.failures}
			h := newGenerateHandler(t, rec)
			w, resp := post(t, h, tt.path, tt.body)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, tt.allowed, resp.Allowed)
			assert.Equal(t, tt.recorded, rec.recorded)
			if tt.message != "" {
				require.NotNil(t, resp.Result)
				assert.Contains(t, resp.Result.Message, tt.message)
			}
			if tt.warning != "" {
				assert.Contains(t, strings.Join(resp.Warnings, "\n"), tt.warning)
			}
		})
	}
}

// noNamespaces knows no namespace, as the cache while a Namespace is being created.
type noNamespaces struct{}

func (noNamespaces) NamespaceLabels(_ context.Context, name string) (map[string]string, error) {
	return nil, errors.New("namespace " + name + " not found")
}

func TestNamespaceCreationIsRecorded(t *testing.T) {
	rec := &recorder{}
	h := newGenerateHandler(t, rec)
	h.Namespaces = noNamespaces{}
	// the API server names a Namespace as the namespace of its own request
	_, resp := post(t, h, "/validate/fail/10", review("CREATE", "Namespace", "", "web",
		`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"web"}}`, "", false))
	require.NotNil(t, resp)
	assert.True(t, resp.Allowed, "%+v", resp.Result)
	assert.Equal(t, []string{"namespace-quota CREATE"}, rec.recorded)
}

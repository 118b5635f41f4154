package policy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

const goodPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
spec:
  validationFailureAction: Enforce
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "label team is required"
      pattern:
        metadata:
          labels:
            team: "?*"
`

func TestLoadBytesErrors(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		wantField string
		wantText  string
	}{
		{
			name:     "malformed YAML",
			doc:      "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: [unclosed\n",
			wantText: "malformed YAML",
		},
		{
			name: "unknown field",
			doc: `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      patern: {spec: {}}
`,
			wantField: "spec.rules[0].validate.patern",
			wantText:  "unknown field",
		},
		{
			name: "bad JMESPath",
			doc: `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      deny:
        conditions:
          any:
          - key: "{{ request.object.[ }}"
            operator: Equals
            value: x
`,
			wantText: "spec.rules[0] (r): validate: deny.conditions: any[0]: key",
		},
		{
			name: "unknown operator",
			doc: `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      deny:
        conditions:
          all:
          - key: a
            operator: Bigger
            value: b
`,
			wantText: "operator",
		},
		{
			name: "pattern of the wrong shape",
			doc: `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      anyPattern: {spec: {}}
`,
			wantText: "anyPattern",
		},
		{
			name: "duplicate rule names",
			doc: `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {deny: {}}
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {deny: {}}
`,
			wantField: "spec.rules[1].name",
			wantText:  "also used by spec.rules[0]",
		},
		{
			name: "two rule types",
			doc: `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {deny: {}}
    mutate: {patchStrategicMerge: {metadata: {labels: {a: b}}}}
`,
			wantField: "spec.rules[0]",
			wantText:  "exactly one of",
		},
	}
	l := NewLoader(engine.New())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := l.LoadBytes("bad.yaml", []byte(tt.doc+"---\n"+goodPolicy))
			require.Len(t, set.Policies, 1, "the good document still loads")
			require.Len(t, set.Errors, 1)
			e := set.Errors[0]
			assert.Equal(t, "bad.yaml", e.File)
			assert.Equal(t, 1, e.Document)
			assert.Equal(t, tt.wantField, e.Field)
			assert.Contains(t, e.Error(), tt.wantText)
		})
	}
}

func TestLoadPathsMissingFile(t *testing.T) {
	set := NewLoader(engine.New()).LoadPaths(t.Context(), filepath.Join(t.TempDir(), "nope.yaml"))
	require.Len(t, set.Errors, 1)
	assert.Contains(t, set.Errors[0].Error(), "nope.yaml")
	assert.Contains(t, set.Errors[0].Error(), "cannot read")
}

func TestUnsupportedKind(t *testing.T) {
	doc := "apiVersion: policies.kyverno.io/v1alpha1\nkind: ImageValidatingPolicy\nmetadata: {name: m}\nspec: {}\n"
	set := NewLoader(engine.New()).LoadBytes("v.yaml", []byte(doc))
	require.Len(t, set.Errors, 1)
	assert.True(t, errors.Is(set.Errors[0], ErrUnsupportedKind))
}

func TestNamespacedPolicyAndException(t *testing.T) {
	doc := `apiVersion: kyverno.io/v1
kind: Policy
metadata: {name: p, namespace: team-a}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [ConfigMap]}}]}
    validate: {deny: {}}
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: allow, namespace: team-a}
spec:
  exceptions: [{policyName: team-a/p, ruleNames: [r]}]
  match: {any: [{resources: {kinds: [ConfigMap], names: [special]}}]}
`
	set := NewLoader(engine.New()).LoadBytes("p.yaml", []byte(doc))
	require.Empty(t, set.Errors)
	require.Len(t, set.Policies, 1)
	require.Len(t, set.Exceptions, 1)
	assert.Equal(t, "team-a/p", set.Policies[0].Key())
}

// A namespaced Policy read from the API server (the CR controller's path) or from a file without a namespace
// (read as "default") is refused when it generates elsewhere; the error names the policy, the rule and the field.
func TestCompilePolicyConfinesANamespacedPolicy(t *testing.T) {
	spec := func(ns string) *v1alpha1.Spec {
		return &v1alpha1.Spec{Rules: []v1alpha1.Rule{{Name: "gen",
			MatchResources: v1alpha1.MatchResources{Any: v1alpha1.ResourceFilters{{ResourceDescription: v1alpha1.ResourceDescription{Kinds: []string{"Namespace"}}}}},
			Generation: &v1alpha1.Generation{GeneratePattern: v1alpha1.GeneratePattern{
				ResourceSpec: v1alpha1.ResourceSpec{APIVersion: "v1", Kind: "ConfigMap", Name: "x", Namespace: ns},
				Data:         &apiextv1.JSON{Raw: []byte(`{"data":{"a":"b"}}`)}}}}}}
	}
	tests := []struct {
		name, kind, namespace, target, err string
	}{
		{name: "Policy generating into its namespace", kind: "Policy", namespace: "team-a", target: "team-a"},
		{name: "Policy generating elsewhere", kind: "Policy", namespace: "team-a", target: "team-b",
			err: `Policy p: spec.rules[0] (gen): generate.namespace: "team-b" is outside the Policy's namespace "team-a"`},
		{name: "Policy without namespace is in default", kind: "Policy", target: "team-a",
			err: `generate.namespace: "team-a" is outside the Policy's namespace "default"`},
		{name: "ClusterPolicy generating anywhere", kind: "ClusterPolicy", target: "team-b"},
	}
	l := NewLoader(engine.New())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := l.CompilePolicy(tt.kind, &metav1.ObjectMeta{Name: "p", Namespace: tt.namespace}, spec(tt.target))
			if tt.err == "" {
				require.NoError(t, err)
				require.NotNil(t, p)
				return
			}
			assert.Nil(t, p)
			assert.ErrorContains(t, err, tt.err)
		})
	}
}

func FuzzLoadBytes(f *testing.F) {
	f.Add([]byte(goodPolicy))
	f.Add([]byte("---\n---\nkind: ClusterPolicy\napiVersion: kyverno.io/v1\n"))
	l := NewLoader(engine.New())
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		set := l.LoadBytes("fuzz.yaml", data)
		for _, e := range set.Errors {
			require.NotEmpty(t, e.Error())
		}
	})
}

// Files load concurrently but merge in expandPaths' order (sorted), as one by one.
func TestLoadPathsKeepsFileOrder(t *testing.T) {
	dir := t.TempDir()
	var paths, want []string
	for i := range 12 {
		name := fmt.Sprintf("p%02d", i)
		path := filepath.Join(dir, name+".yaml")
		doc := strings.Replace(goodPolicy, "name: require-labels", "name: "+name, 1)
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
		paths = append([]string{path}, paths...) // reverse order
		want = append(want, name)
	}
	set := NewLoader(engine.New()).LoadPaths(t.Context(), paths...)
	require.Empty(t, set.Errors)
	var got []string
	for _, p := range set.Policies {
		got = append(got, p.Name)
	}
	assert.Equal(t, want, got)
}

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// validatePolicy is a ClusterPolicy of one validate rule on kinds; extra is appended to the rule.
func validatePolicy(name, kinds, extra string) string {
	return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ` + name + `}
spec:
  rules:
  - name: check
    match: {any: [{resources: {kinds: [` + kinds + `]}}]}
` + extra + `    validate:
      message: "no latest tag"
      pattern:
        spec:
          containers:
          - image: "!*:latest"
`
}

// fakeCorpus writes files (path relative to the corpus: content) into a temporary corpus and returns its root.
func fakeCorpus(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for path, content := range files {
		full := filepath.Join(root, path)
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
	return root
}

func TestSelectExtra(t *testing.T) {
	corpus := fakeCorpus(t, map[string]string{
		"a/pod/pod.yaml":                validatePolicy("a-pod", "Pod", ""),
		"a/pod/.kyverno-test/pol.yaml":  validatePolicy("hidden", "Pod", ""),
		"a/pod/artifacthub-pkg.yml":     "name: a-pod\nversion: 1.0.0\n",
		"b/deployment/deployment.yaml":  validatePolicy("b-deployment", "Deployment", ""),
		"c/core-v1/pod.yaml":            validatePolicy("c-core-v1", "v1/Pod", ""),
		"c/subresource/pod.yaml":        validatePolicy("c-exec", "Pod/exec", ""),
		"d/broken/broken.yaml":          validatePolicy("d-broken", "Pod", "    preconditions: {all: [{key: '{{ bad(', operator: Equals, value: x}]}\n"),
		"d/context/context.yaml":        validatePolicy("d-context", "Pod", "    context: [{name: x, variable: {value: 1}}]\n"),
		"e/ignore/ignore.yaml":          ignorePolicy, // failurePolicy Ignore: another webhook path
		"f/duplicate/pod.yaml":          validatePolicy("a-pod", "Pod", ""),
		"g/taken/pod.yaml":              validatePolicy("taken", "Pod", ""),
		"pod-security/base/pod.yaml":    validatePolicy("excluded", "Pod", ""),
		"pod-security-cel/x/pod.yaml":   validatePolicy("not-excluded", "Pod", ""),
		"z/mutate/mutate.yaml":          mutatePolicy,
		"z/multi/multi.yaml":            validatePolicy("z-one", "Pod", "") + "---\n" + validatePolicy("z-two", "Pod", ""),
		"z/vpol/vpol.yaml":              vpolPolicy,
		"z/resource/resource.yaml":      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
		"zz/last/pod.yaml":              validatePolicy("zz-last", "Pod", ""),
		"a/pod/.chainsaw-test/pod.yaml": "apiVersion: v1\nkind: Pod\n",
	})
	tests := []struct {
		name string
		n    int
		want []string
	}{
		{"all that qualify, in path order", 10, []string{"a-pod", "c-core-v1", "not-excluded", "z-one", "z-two", "zz-last"}},
		{"the first n", 3, []string{"a-pod", "c-core-v1", "not-excluded"}},
		{"none", 0, nil},
	}
	loader := policy.NewLoader(engine.New())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := selectExtra(loader, corpus, []string{"pod-security"}, []string{"taken"}, "/validate/fail/10", tt.n)
			require.NoError(t, err)
			var got []string
			for _, d := range docs {
				got = append(got, d.Object.GetName())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

const ignorePolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: e-ignore}
spec:
  failurePolicy: Ignore
  rules:
  - name: check
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "no latest tag"
      pattern: {spec: {containers: [{image: "!*:latest"}]}}
`

const mutatePolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: z-mutate}
spec:
  rules:
  - name: label
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge: {metadata: {labels: {+(team): none}}}
`

const vpolPolicy = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: z-vpol}
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE]
      resources: [pods]
  validations:
  - expression: "true"
`

func TestBuildScenario(t *testing.T) {
	corpus := fakeCorpus(t, map[string]string{
		"pod-security/baseline/a.yaml":             validatePolicy("ps-a", "Pod", ""),
		"pod-security/restricted/b.yaml":           validatePolicy("ps-b", "Pod", ""),
		"pod-security-vpol/baseline/v.yaml":        vpolPolicy,
		"other/add-default-securitycontext/m.yaml": mutatePolicy,
		"other/x/x.yaml":                           validatePolicy("other-x", "Pod", ""),
	})
	testdata := fakeCorpus(t, map[string]string{"context-policy.yaml": validatePolicy("ctx", "Pod", "")})
	tests := []struct {
		name, scenario, path string
		policies             []string
		err                  string
	}{
		{"pod-security", scenarioPodSecurity, "/validate/fail/10", []string{"ps-a", "ps-b"}, ""},
		{"vpol", scenarioVPol, "/validate/fail/10", []string{"z-vpol"}, ""},
		{"mutate", scenarioMutate, "/mutate/fail/10", []string{"z-mutate"}, ""},
		{"context", scenarioContext, "/validate/fail/10", []string{"ctx"}, ""},
		{"too few extra policies", scenarioPlus50, "", nil, "only 1 corpus policies qualify as the 50 extra ones"},
		{"unknown", "nope", "", nil, `unknown scenario "nope"`},
	}
	loader := policy.NewLoader(engine.New())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := buildScenario(loader, tt.scenario, corpus, testdata, true)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.path, s.Path)
			var got []string
			for _, d := range s.Policies {
				got = append(got, d.Object.GetName())
			}
			assert.Equal(t, tt.policies, got)
		})
	}
}

func TestPickScenarios(t *testing.T) {
	tests := []struct {
		flag string
		want []string
		err  bool
	}{
		{"all", scenarioNames(), false},
		{"mutate", []string{"mutate"}, false},
		{"context, pod-security+50", []string{"context", "pod-security+50"}, false},
		{"pod-security,nope", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			got, err := pickScenarios(tt.flag)
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestEnforceObject(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"audit policy with a per-rule action", `apiVersion: kyverno.io/v1
kind: ClusterPolicy
spec:
  validationFailureAction: Audit
  validationFailureActionOverrides: [{action: Audit, namespaces: [load]}]
  rules:
  - name: r
    validate: {failureAction: Audit, pattern: {a: b}}
`, `apiVersion: kyverno.io/v1
kind: ClusterPolicy
spec:
  rules:
  - name: r
    validate: {pattern: {a: b}}
  validationFailureAction: Enforce
`},
		{"mutate policy unchanged", `kind: ClusterPolicy
spec:
  rules:
  - name: r
    mutate: {patchStrategicMerge: {a: b}}
`, `kind: ClusterPolicy
spec:
  rules:
  - name: r
    mutate: {patchStrategicMerge: {a: b}}
`},
		{"validating policy denies", `kind: ValidatingPolicy
spec:
  validationActions: [Audit, Warn]
`, `kind: ValidatingPolicy
spec:
  validationActions: [Deny]
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, want := &unstructured.Unstructured{}, map[string]any{}
			require.NoError(t, yaml.Unmarshal([]byte(tt.in), &u.Object))
			require.NoError(t, yaml.Unmarshal([]byte(tt.want), &want))
			enforceObject(u)
			assert.Equal(t, want, u.Object)
		})
	}
}

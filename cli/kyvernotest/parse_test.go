package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestParseTestReadsEveryField(t *testing.T) {
	data := []byte(`
apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: suite
policies: [../p.yaml]
resources: [r.yaml]
variables: values.yaml
userinfo: user.yaml
context: context.yaml
exceptions: [x.yaml]
results:
- policy: ns/pol
  rule: r1
  kind: Pod
  resources: [a, ns/b]
  result: fail
  namespace: ns
  isValidatingPolicy: true
- policy: pol
  rule: r2
  kind: Pod
  resource: old-style
  status: skip
  resourceSpecs:
  - {group: apps, version: v1, kind: Deployment, namespace: ns, name: d}
`)
	got, err := ParseTest(data)
	require.NoError(t, err)
	assert.Equal(t, "suite", got.DisplayName())
	assert.Equal(t, []string{"../p.yaml"}, got.Policies)
	assert.Equal(t, "values.yaml", got.Variables)
	assert.Equal(t, "user.yaml", got.UserInfo)
	assert.Equal(t, "context.yaml", got.Context)
	require.Len(t, got.Results, 2)
	first, second := got.Results[0], got.Results[1]
	assert.Equal(t, "fail", first.Expected())
	assert.Equal(t, []string{"a", "ns/b"}, first.ResourceRefs())
	assert.Equal(t, "ValidatingPolicy", first.policyKindFlag())
	assert.Equal(t, "skip", second.Expected(), "deprecated status is read")
	assert.Equal(t, []string{"old-style"}, second.ResourceRefs(), "deprecated resource is read")
	assert.Equal(t, ResourceSpec{Group: "apps", Version: "v1", Kind: "Deployment", Namespace: "ns", Name: "d"}, second.Specs[0])
}

func TestParseTestIgnoresUnknownKeys(t *testing.T) {
	data := []byte(`
name: legacy-name
policies: [p.yaml]
checks: [{match: {}, assert: {}}]
results:
- policy: p
  rule: r
  kind: Pod
  resources: [x]
  result: pass
  patchedResources: patched.yaml
  generatedResource: gen.yaml
  isMutatingPolicy: false
  cloneSourceResource: src.yaml
  somethingNew: {deep: [1, 2]}
`)
	got, err := ParseTest(data)
	require.NoError(t, err)
	assert.Equal(t, "legacy-name", got.DisplayName())
	require.Len(t, got.Results, 1)
	assert.Equal(t, "patched.yaml", got.Results[0].PatchedResources)
	assert.Empty(t, got.Results[0].policyKindFlag())
}

func TestParseTestRejectsMalformedFiles(t *testing.T) {
	for name, data := range map[string]string{
		"bad yaml":         "policies: [a\nresults: {",
		"wrong type":       "policies: {a: b}",
		"results not list": "results: pass",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseTest([]byte(data))
			assert.Error(t, err)
		})
	}
}

func TestParseValuesNormalizesNumbers(t *testing.T) {
	data := []byte(`
apiVersion: cli.kyverno.io/v1alpha1
kind: Values
globalValues:
  count: 2
  ratio: 0.5
  nested: {list: [1, 2.5, "x"]}
policies:
- name: p
  resources:
  - name: r
    values: {request.operation: UPDATE, num: 3}
  rules:
  - name: rule
    values: {m: 4}
namespaceSelector:
- name: prod
  labels: {env: prod}
namespaces:
- apiVersion: v1
  kind: Namespace
  metadata: {name: prod, labels: {env: production}}
subresources:
- subresource: {name: deployments/scale, kind: Scale, group: autoscaling, version: v1}
  parentResource: {name: deployments, kind: Deployment, group: apps, version: v1}
`)
	v, err := ParseValues(data)
	require.NoError(t, err)
	assert.Equal(t, int64(2), v.GlobalValues["count"])
	assert.Equal(t, 0.5, v.GlobalValues["ratio"])
	assert.Equal(t, []any{int64(1), 2.5, "x"}, v.GlobalValues["nested"].(map[string]any)["list"])
	assert.Equal(t, int64(3), v.Policies[0].Resources[0].Values["num"])
	assert.Equal(t, int64(4), v.Policies[0].Rules[0].Values["m"])
	assert.Equal(t, map[string]string{"env": "production"}, v.NamespaceLabels("prod"))
	sub, parent, ok := v.SubresourceOf("autoscaling/v1", "Scale")
	assert.True(t, ok)
	assert.Equal(t, "scale", sub)
	assert.Equal(t, engine.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, parent)
}

func TestParseUserInfoAcceptsBothForms(t *testing.T) {
	for name, data := range map[string]string{
		"cli.kyverno.io": "apiVersion: cli.kyverno.io/v1alpha1\nkind: UserInfo\nclusterRoles: [admin]\nuserInfo: {username: alice, groups: [dev]}\n",
		"bare":           "clusterRoles: [admin]\nuserInfo: {username: alice, groups: [dev]}\n",
	} {
		t.Run(name, func(t *testing.T) {
			u, err := ParseUserInfo([]byte(data))
			require.NoError(t, err)
			got := u.ToEngineUserInfo()
			assert.Equal(t, "alice", got.Username)
			assert.Equal(t, []string{"dev"}, got.Groups)
			assert.Equal(t, []string{"admin"}, got.ClusterRoles)
		})
	}
}

func TestParseContextReadsResourcesAndImages(t *testing.T) {
	data := []byte(`
apiVersion: cli.kyverno.io/v1alpha1
kind: Context
spec:
  resources:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm, namespace: ns}, data: {k: v}}
  images:
  - image: nginx:1.27
    registry: docker.io
    repository: library/nginx
    tag: "1.27"
    config: {created: "2020-01-01T00:00:00Z", size: 10}
`)
	c, err := ParseContext(data)
	require.NoError(t, err)
	require.Len(t, c.Spec.Resources, 1)
	require.Len(t, c.Spec.Images, 1)
	assert.Equal(t, int64(10), c.Spec.Images[0].Config.(map[string]any)["size"])
}

func FuzzParseTest(f *testing.F) {
	f.Add([]byte("apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nresults:\n- policy: p\n  resources: [a]\n  result: pass\n"))
	f.Add([]byte("values:\n  globalValues: {a: 1}\n  policies: [{name: p, rules: [{name: r, values: {x: [1, 2.5]}}]}]\n"))
	f.Add([]byte("results: [{resourceSpecs: [{name: x}], isValidatingPolicy: true}]"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseTest(data)
		if err != nil {
			return
		}
		for i := range got.Results {
			_ = got.Results[i].targets()
			_ = got.Results[i].Expected()
			_ = got.Results[i].policyKindFlag()
		}
		if got.Values != nil {
			_ = got.Values.ResourceVariables("p", "r")
			_ = got.Values.RuleVariables("p", "autogen-r")
		}
	})
}

func FuzzParseValues(f *testing.F) {
	f.Add([]byte("globalValues: {request.operation: UPDATE}\nnamespaceSelector: [{name: a, labels: {x: y}}]\n"))
	f.Add([]byte("policies: [{name: p, resources: [{name: r, values: {n: 1e400}}]}]"))
	f.Add([]byte("subresources: [{subresource: {name: a/b, kind: K}, parentResource: {name: a, kind: P}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseValues(data)
		if err != nil {
			return
		}
		_ = v.ResourceVariables("p", "r")
		_ = v.RuleVariables("p", "r")
		_ = v.NamespaceLabels("a")
		_, _, _ = v.SubresourceOf("v1", "K")
	})
}

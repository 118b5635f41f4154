package apply

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// mutateOptions runs the mutate fixture: two mutate policies (add-if-not-present label, foreach JSON patch, then a
// policy reading the label the first one added), a generate policy on Namespaces and a validate policy, loaded
// first, that passes only on the mutated Pods.
func mutateOptions(format string) Options {
	return Options{
		PolicyPaths:   []string{"testdata/mutate/policies"},
		ResourcePaths: []string{"testdata/mutate/resources"},
		Output:        format,
	}
}

func runJSON(t *testing.T, o Options) (*report, string) {
	t.Helper()
	o.Output = FormatJSON
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(), o, &stdout, &stderr)
	require.NoError(t, err, "stderr: %s", stderr.String())
	require.Equal(t, ExitOK, code, "stderr: %s", stderr.String())
	var rep report
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep))
	return &rep, stderr.String()
}

func TestRunMutateGolden(t *testing.T) {
	for _, format := range []string{FormatTable, FormatYAML, FormatJSON} {
		t.Run(format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code, err := Run(t.Context(), mutateOptions(format), &stdout, &stderr)
			require.NoError(t, err)
			assert.Equal(t, ExitOK, code, "check-defaults is enforced and passes only after the mutations")
			assert.Empty(t, stderr.String())
			assertGolden(t, "mutate."+format+".golden", stdout.Bytes())
		})
	}
}

func resultOf(rep *report, policy, rule, resource string) resultEntry {
	for _, r := range rep.Results {
		if r.Policy == policy && r.Rule == rule && r.Resource.String() == resource {
			return r
		}
	}
	return resultEntry{}
}

func TestRunMutationsFeedLaterPolicies(t *testing.T) {
	rep, _ := runJSON(t, mutateOptions(FormatJSON))
	assert.Equal(t, "pass", resultOf(rep, "check-defaults", "team-and-pull-policy", "Pod/shop/web").Result,
		"validation sees the object every mutating policy left, whatever the load order")
	require.Len(t, rep.Changes, 3)

	ns, web, api := rep.Changes[0], rep.Changes[1], rep.Changes[2]
	assert.Equal(t, "Namespace/shop", ns.Resource.String())
	assert.Nil(t, ns.Patched)
	require.Len(t, ns.Generated, 1)
	assert.Equal(t, generatedEntry{Policy: "default-deny", Rule: "deny-all-traffic", Synchronize: true, Object: map[string]any{
		"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
		"metadata": map[string]any{"name": "default-deny", "namespace": "shop", "labels": map[string]any{"team": "payments"}},
		"spec":     map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}},
	}}, ns.Generated[0])

	assert.Equal(t, []string{"add-defaults", "annotate-owner"}, web.PatchedBy)
	meta := web.Patched["metadata"].(map[string]any)
	assert.Equal(t, map[string]any{"team": "platform"}, meta["labels"])
	assert.Equal(t, map[string]any{"owner": "team-platform"}, meta["annotations"], "annotate-owner read the label add-defaults added")
	for _, c := range web.Patched["spec"].(map[string]any)["containers"].([]any) {
		assert.Equal(t, "IfNotPresent", c.(map[string]any)["imagePullPolicy"], "foreach JSON patch on every container")
	}

	assert.Equal(t, []string{"annotate-owner"}, api.PatchedBy, "add-if-not-present keeps the team label api has")
	assert.Equal(t, map[string]any{"owner": "team-payments"}, api.Patched["metadata"].(map[string]any)["annotations"])
}

func TestRunWithoutChangesHasNoChangesKey(t *testing.T) {
	var stdout, stderr bytes.Buffer
	_, err := Run(t.Context(), fixtureOptions(FormatJSON), &stdout, &stderr)
	require.NoError(t, err)
	assert.NotContains(t, stdout.String(), `"changes"`)
}

func TestRunOutputDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "nested")
	o := mutateOptions(FormatTable)
	o.OutputDir = dir
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(), o, &stdout, &stderr)
	require.NoError(t, err)
	require.Equal(t, ExitOK, code)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"generated-networkpolicy-shop-default-deny.yaml", "pod-shop-api.yaml", "pod-shop-web.yaml"}, names,
		"patched resources and generated objects only: the Namespace itself is unchanged")

	rep, _ := runJSON(t, mutateOptions(FormatJSON))
	for name, want := range map[string]map[string]any{
		"pod-shop-web.yaml": rep.Changes[1].Patched,
		"pod-shop-api.yaml": rep.Changes[2].Patched,
		"generated-networkpolicy-shop-default-deny.yaml": rep.Changes[0].Generated[0].Object,
	} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		var got map[string]any
		require.NoError(t, yaml.Unmarshal(data, &got))
		assert.Equal(t, want, got, name)
	}
}

func TestRunWritesNothingWithoutOutputDir(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		require.NoError(t, err)
		return a
	}
	o := mutateOptions(FormatYAML)
	o.PolicyPaths = []string{abs(o.PolicyPaths[0])}
	o.ResourcePaths = []string{abs(o.ResourcePaths[0])}
	cwd := t.TempDir()
	t.Chdir(cwd)
	var stdout, stderr bytes.Buffer
	_, err := Run(t.Context(), o, &stdout, &stderr)
	require.NoError(t, err)
	entries, err := os.ReadDir(cwd)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestRunOutputDirErrorsNameTheFile(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the --output-dir
		want  string
	}{
		{"folder is a file", func(t *testing.T, dir string) string {
			path := filepath.Join(dir, "taken")
			require.NoError(t, os.WriteFile(path, nil, 0o600))
			return path
		}, "taken"},
		{"file is a folder", func(t *testing.T, dir string) string {
			require.NoError(t, os.Mkdir(filepath.Join(dir, "pod-shop-web.yaml"), 0o700))
			return dir
		}, "pod-shop-web.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mutateOptions(FormatTable)
			o.OutputDir = tt.setup(t, t.TempDir())
			var stdout, stderr bytes.Buffer
			code, err := Run(t.Context(), o, &stdout, &stderr)
			assert.Equal(t, ExitNoInput, code)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestFileName(t *testing.T) {
	tests := []struct {
		ref  resourceRef
		want string
	}{
		{resourceRef{Kind: "Pod", Namespace: "shop", Name: "web"}, "pod-shop-web.yaml"},
		{resourceRef{Kind: "NetworkPolicy", Namespace: "Team-A", Name: "default-deny"}, "networkpolicy-team-a-default-deny.yaml"},
		{resourceRef{Kind: "Namespace", Name: "shop"}, "namespace-shop.yaml"},
		{resourceRef{Kind: "ClusterRole", Name: "system:aggregate-to-view"}, "clusterrole-system_aggregate-to-view.yaml"},
		{resourceRef{Kind: "Pod", Namespace: "..", Name: "../../etc/passwd"}, "pod-..-.._.._etc_passwd.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := fileName(tt.ref)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, filepath.Base(got), "stays in the folder")
		})
	}
}

func TestOutputFilesKeepTheLastOfTwoObjectsWithOneName(t *testing.T) {
	obj := func(v string) map[string]any {
		return map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "cm", "namespace": "ns"}, "data": map[string]any{"v": v}}
	}
	tests := []struct {
		name    string
		second  string
		warning bool
	}{
		{"same object twice", "a", false},
		{"different objects", "b", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changes := []change{
				{Generated: []generatedEntry{{Object: obj("a")}}},
				{Generated: []generatedEntry{{Object: obj(tt.second)}}},
			}
			var stderr bytes.Buffer
			files, err := outputFiles(changes, &stderr)
			require.NoError(t, err)
			require.Len(t, files, 1)
			assert.Equal(t, "generated-configmap-ns-cm.yaml", files[0].name)
			assert.Contains(t, string(files[0].data), "v: "+tt.second)
			assert.Equal(t, tt.warning, stderr.Len() > 0, stderr.String())
		})
	}
}

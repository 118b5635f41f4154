package policy

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// vpolCorpus is the Kyverno policy corpus beside the repository (../shared).
func vpolCorpus(t *testing.T) string {
	t.Helper()
	for _, dir := range []string{filepath.Join("..", "..", "shared", "conformance", "kyverno-policies"),
		"/work/shared/conformance/kyverno-policies"} {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return dir
		}
	}
	require.FailNow(t, "the Kyverno policy corpus is not at ../shared/conformance/kyverno-policies")
	return ""
}

// readVPols decodes the ValidatingPolicy and NamespacedValidatingPolicy documents of a YAML file.
func readVPols(t *testing.T, path string) []policiesv1.ValidatingPolicy {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []policiesv1.ValidatingPolicy
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err, path)
		var p policiesv1.ValidatingPolicy
		if yaml.Unmarshal(doc, &p) != nil || !strings.HasPrefix(p.APIVersion, "policies.kyverno.io/") ||
			(p.Kind != "ValidatingPolicy" && p.Kind != "NamespacedValidatingPolicy") {
			continue
		}
		out = append(out, p)
	}
}

// TestAutogenValidatingGolden compares the variants of corpus policies with testdata/vpolautogen/*.golden.yaml
// (go test ./policy -run AutogenValidatingGolden -update rewrites them).
func TestAutogenValidatingGolden(t *testing.T) {
	root := vpolCorpus(t)
	for _, rel := range []string{
		"pod-security-vpol/baseline/disallow-capabilities/disallow-capabilities.yaml",
		"other-vpol/allowed-image-repos/allowed-image-repos.yaml",
		"other-vpol/limit-hostpath-vols/limit-hostpath-vols.yaml",
		"other-vpol/docker-socket-requires-label/docker-socket-requires-label.yaml",
		"other-vpol/prevent-bare-pods/prevent-bare-pods.yaml",
		"other-vpol/restrict-annotations/restrict-annotations.yaml",
	} {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			pols := readVPols(t, filepath.Join(root, rel))
			require.Len(t, pols, 1)
			configs, err := AutogenValidating(&pols[0].Spec)
			require.NoError(t, err)
			got, err := yaml.Marshal(policiesv1.ValidatingPolicyAutogenStatus{Configs: configs})
			require.NoError(t, err)
			golden := filepath.Join("testdata", "vpolautogen", strings.TrimSuffix(filepath.Base(rel), ".yaml")+".golden.yaml")
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o600))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./policy -run AutogenValidatingGolden -update to create it")
			assert.Equal(t, string(want), string(got))
		})
	}
}

// corpusTest is the part of a kyverno-test.yaml this check reads.
type corpusTest struct {
	Policies []string `json:"policies"`
	Results  []struct {
		Policy             string `json:"policy"`
		Kind               string `json:"kind"`
		Result             string `json:"result"`
		IsValidatingPolicy bool   `json:"isValidatingPolicy"`
	} `json:"results"`
}

// TestAutogenValidatingCorpus checks every pass or fail row the Kyverno CLI expects for a Pod controller in the
// *-vpol suites: the policy either matches that controller's resource itself or has a variant targeting its kind.
func TestAutogenValidatingCorpus(t *testing.T) {
	root := vpolCorpus(t)
	tests, err := filepath.Glob(filepath.Join(root, "*-vpol", "*", ".kyverno-test", "kyverno-test.yaml"))
	require.NoError(t, err)
	more, err := filepath.Glob(filepath.Join(root, "*-vpol", "*", "*", ".kyverno-test", "kyverno-test.yaml"))
	require.NoError(t, err)
	seen := map[string]int{}
	for _, path := range append(tests, more...) {
		kinds := corpusPolicyKinds(t, path)
		for key, row := range corpusRows(t, path) {
			kind, ok := kinds[key.policy]
			if !ok || !isControllerKind(key.kind) {
				continue
			}
			assert.Truef(t, kind[key.kind], "%s: policy %s has no variant or rule for %s (%s rows)", path, key.policy, key.kind, row)
			seen[key.kind]++
		}
	}
	assert.Positive(t, seen["Deployment"], "rows checked for Deployments")
	assert.Positive(t, seen["CronJob"], "rows checked for CronJobs")
}

type rowKey struct{ policy, kind string }

func corpusRows(t *testing.T, path string) map[rowKey]string {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var test corpusTest
	require.NoError(t, yaml.Unmarshal(data, &test), path)
	rows := map[rowKey]string{}
	for _, r := range test.Results {
		if r.IsValidatingPolicy && (r.Result == "pass" || r.Result == "fail") {
			rows[rowKey{r.Policy, r.Kind}] = r.Result
		}
	}
	return rows
}

// corpusPolicyKinds returns, per policy name of a test's policy files, the kinds its rule or its variants match.
func corpusPolicyKinds(t *testing.T, path string) map[string]map[string]bool {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var test corpusTest
	require.NoError(t, yaml.Unmarshal(data, &test), path)
	out := map[string]map[string]bool{}
	for _, rel := range test.Policies {
		for _, p := range readVPols(t, filepath.Join(filepath.Dir(path), rel)) {
			kinds := map[string]bool{}
			if p.Spec.MatchConstraints != nil {
				for _, r := range p.Spec.MatchConstraints.ResourceRules {
					for _, res := range r.Resources {
						kinds[controllerKindOf(res)] = true
					}
				}
			}
			configs, err := AutogenValidating(&p.Spec)
			require.NoError(t, err, p.Name)
			for _, c := range configs {
				for _, target := range c.Targets {
					kinds[target.Kind] = true
				}
			}
			name := p.Name
			if p.Namespace != "" {
				out[p.Namespace+"/"+name] = kinds
			}
			out[name] = kinds
		}
	}
	return out
}

func isControllerKind(kind string) bool {
	return controllerKindOf(strings.ToLower(kind)+"s") == kind
}

func controllerKindOf(resource string) string {
	if target, _, ok := controllerTarget(resource); ok {
		return target.Kind
	}
	return ""
}

package cel

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// corpusPolicy is a policy of the corpus with its file.
type corpusPolicy struct {
	file string
	name string
	spec v1alpha1.Spec
}

// loadCELPolicies decodes every ClusterPolicy and Policy of the *-cel folders that has a validate.cel rule,
// skipping test fixtures.
func loadCELPolicies(t testing.TB, root string) []corpusPolicy {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(root, "*-cel"))
	require.NoError(t, err)
	var out []corpusPolicy
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".yaml") {
				return nil
			}
			out = append(out, policiesInFile(t, path)...)
			return nil
		})
		require.NoError(t, err)
	}
	return out
}

func policiesInFile(t testing.TB, path string) []corpusPolicy {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	docs, err := splitDocuments(data)
	require.NoError(t, err, path)
	var out []corpusPolicy
	for _, doc := range docs {
		var pol v1alpha1.ClusterPolicy
		if err := yaml.Unmarshal(doc, &pol); err != nil || !strings.HasPrefix(pol.APIVersion, "kyverno.io/") {
			continue
		}
		if pol.Kind != "ClusterPolicy" && pol.Kind != "Policy" {
			continue
		}
		if slices.ContainsFunc(pol.Spec.Rules, hasCEL) {
			out = append(out, corpusPolicy{file: path, name: pol.Name, spec: pol.Spec})
		}
	}
	return out
}

func hasCEL(r v1alpha1.Rule) bool { return r.Validation != nil && r.Validation.CEL != nil }

// TestCorpusCompiles compiles every validate.cel rule and celPreconditions of the *-cel policies of the corpus.
func TestCorpusCompiles(t *testing.T) {
	root := corpusDir()
	if root == "" {
		t.Skip("Kyverno policy corpus not found; set " + corpusDirEnv)
	}
	c := newCompiler(t)
	rules := 0
	for _, pol := range loadCELPolicies(t, root) {
		for i := range pol.spec.Rules {
			rule := &pol.spec.Rules[i]
			if !hasCEL(*rule) {
				continue
			}
			rules++
			_, _, err := compileRule(c, rule)
			assert.NoError(t, err, "%s: policy %s rule %s", pol.file, pol.name, rule.Name)
		}
	}
	t.Logf("compiled %d validate.cel rules", rules)
	assert.GreaterOrEqual(t, rules, 90)
}

// kyvernoTest is the part of a Kyverno CLI test suite the corpus test reads.
type kyvernoTest struct {
	Policies  []string `json:"policies"`
	Resources []string `json:"resources"`
	Results   []struct {
		Kind      string   `json:"kind"`
		Policy    string   `json:"policy"`
		Rule      string   `json:"rule"`
		Result    string   `json:"result"`
		Resources []string `json:"resources"`
		Resource  string   `json:"resource"`
	} `json:"results"`
}

// TestCorpusPodSecurity evaluates the Pod resources of the pod-security-cel test suites against the rules that
// match Pods and compares with the expected results, strictly (an evaluation error is never a pass or a fail).
func TestCorpusPodSecurity(t *testing.T) {
	root := corpusDir()
	if root == "" {
		t.Skip("Kyverno policy corpus not found; set " + corpusDirEnv)
	}
	suites, err := filepath.Glob(filepath.Join(root, "pod-security-cel", "*", "*", ".kyverno-test", "kyverno-test.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, suites)
	c := newCompiler(t)
	rows := 0
	for _, suite := range suites {
		rows += runSuite(t, c, suite, strictStatus)
	}
	t.Logf("checked %d pod results", rows)
	assert.GreaterOrEqual(t, rows, 200)
}

// TestCorpusAllCELSuites does the same for every *-cel suite, reporting an evaluation error as a failure as
// Kyverno does (its validator runs with failure policy Fail).
func TestCorpusAllCELSuites(t *testing.T) {
	root := corpusDir()
	if root == "" {
		t.Skip("Kyverno policy corpus not found; set " + corpusDirEnv)
	}
	var suites []string
	for _, depth := range []string{"*", filepath.Join("*", "*")} {
		found, err := filepath.Glob(filepath.Join(root, "*-cel", depth, ".kyverno-test", "kyverno-test.yaml"))
		require.NoError(t, err)
		suites = append(suites, found...)
	}
	c := newCompiler(t)
	rows := 0
	for _, suite := range suites {
		rows += runSuite(t, c, suite, kyvernoStatus)
	}
	t.Logf("checked %d pod results in %d suites", rows, len(suites))
	assert.GreaterOrEqual(t, rows, 350)
}

// knownDivergences are corpus rows whose expected result this package does not reproduce, with the reason.
var knownDivergences = map[string]string{
	// The policy calls orValue on container.volumeMounts, a list rather than an optional: "no such overload".
	"ensure-readonly-hostpath/ensure-hostpaths-readonly/good-pod-01": "policy bug: orValue on a non-optional list",
}

func strictStatus(r Result) string { return r.Status.String() }

func kyvernoStatus(r Result) string {
	if r.Status == StatusError {
		return StatusFail.String()
	}
	return r.Status.String()
}

// runSuite checks the Pod rows of one suite and returns how many it checked.
func runSuite(t *testing.T, c *Compiler, suite string, status func(Result) string) int {
	t.Helper()
	dir := filepath.Dir(suite)
	data, err := os.ReadFile(suite)
	require.NoError(t, err)
	var kt kyvernoTest
	require.NoError(t, yaml.Unmarshal(data, &kt), suite)
	rules := map[string]*v1alpha1.Rule{}
	for _, p := range kt.Policies {
		for _, pol := range policiesInFile(t, filepath.Join(dir, p)) {
			for i := range pol.spec.Rules {
				rules[pol.name+"/"+pol.spec.Rules[i].Name] = &pol.spec.Rules[i]
			}
		}
	}
	pods := podsByName(t, dir, kt.Resources)
	rows := 0
	for _, res := range kt.Results {
		rule := rules[res.Policy+"/"+res.Rule]
		if res.Kind != "Pod" || rule == nil || !hasCEL(*rule) || !matchesPods(rule) {
			continue
		}
		prog, pre, err := compileRule(c, rule)
		require.NoError(t, err, "%s: %s/%s", suite, res.Policy, res.Rule)
		for _, name := range resourceNames(res.Resources, res.Resource) {
			key := res.Policy + "/" + res.Rule + "/" + name
			if _, known := knownDivergences[key]; known {
				continue
			}
			pod, ok := pods[name]
			require.True(t, ok, "%s: no Pod %s", suite, name)
			rows++
			got, res0 := evaluateRule(t, prog, pre, pod)
			if got != "skip" {
				got = status(res0)
			}
			assert.Equal(t, res.Result, got, "%s: %s: %s", suite, key, res0.Message)
		}
	}
	return rows
}

// resourceNames lists the resource names of a result row without their namespace prefix.
func resourceNames(list []string, single string) []string {
	if single != "" {
		list = append(list, single)
	}
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = n[strings.LastIndex(n, "/")+1:]
	}
	return out
}

// evaluateRule evaluates the rule as Kyverno's CLI does on a CREATE of pod; it returns "skip" when the
// preconditions do not hold. Prepared and cost-tracked evaluations must give the same result.
func evaluateRule(t *testing.T, prog *Program, pre *Preconditions, pod map[string]any) (string, Result) {
	meta, _ := pod["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	in := Input{Object: pod, Request: podRequest("CREATE", name, ns)}
	if ns != "" {
		in.NamespaceObject = map[string]any{"metadata": map[string]any{"name": ns}}
	}
	ok, err := pre.Match(context.Background(), in)
	require.NoError(t, err)
	if !ok {
		return "skip", Result{}
	}
	res := prog.Evaluate(context.Background(), in)
	assert.Equal(t, res, prog.Evaluate(context.Background(), in.Prepare()), "prepared input")
	assert.Equal(t, res, prog.evaluate(context.Background(), in, false), "cost tracked")
	return res.Status.String(), res
}

func matchesPods(rule *v1alpha1.Rule) bool {
	m := rule.MatchResources
	if slices.Contains(m.Kinds, "Pod") {
		return true
	}
	for _, f := range append(m.Any, m.All...) {
		if slices.Contains(f.Kinds, "Pod") {
			return true
		}
	}
	return false
}

// podsByName decodes the Pods of the suite's resource files.
func podsByName(t *testing.T, dir string, files []string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		docs, err := splitDocuments(data)
		require.NoError(t, err, f)
		for _, doc := range docs {
			v, err := decodeYAML(doc)
			require.NoError(t, err, f)
			m, _ := v.(map[string]any)
			if m == nil || m["kind"] != "Pod" {
				continue
			}
			meta, _ := m["metadata"].(map[string]any)
			name, _ := meta["name"].(string)
			out[name] = m
		}
	}
	return out
}

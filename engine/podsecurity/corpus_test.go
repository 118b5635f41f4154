package podsecurity

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

const corpusRoot = "/work/shared/conformance/kyverno-policies"

// corpusRule is one podSecurity rule of a corpus policy.
type corpusRule struct {
	policy, rule string
	check        *Check
}

// TestCorpus evaluates every podSecurity rule of the conformance corpus against the resources of its kyverno-test
// suite (rows with result pass or fail) and of its chainsaw test (pod-*/podcontroller-* files: created = pass,
// expected error = fail).
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusRoot); err != nil {
		t.Skipf("corpus absent: %v", err)
	}
	var suites, rows, agree, docs, docsAgree int
	for _, policyFile := range podSecurityPolicies(t) {
		rules := loadRules(t, policyFile)
		dir := filepath.Dir(policyFile)
		r, a := runKyvernoTest(t, filepath.Join(dir, ".kyverno-test"), rules)
		d, da := runChainsawTest(t, filepath.Join(dir, ".chainsaw-test"), rules)
		suites++
		rows, agree, docs, docsAgree = rows+r, agree+a, docs+d, docsAgree+da
	}
	t.Logf("corpus: %d policies; kyverno-test rows %d/%d agree; chainsaw resources %d/%d agree",
		suites, agree, rows, docsAgree, docs)
	require.NotZero(t, suites, "no podSecurity policy found in the corpus")
	assert.Equal(t, rows, agree)
	assert.Equal(t, docs, docsAgree)
}

// podSecurityPolicies lists the corpus policy files (outside test folders) that hold a podSecurity rule.
func podSecurityPolicies(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(corpusRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != corpusRoot {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("podSecurity:")) {
			out = append(out, path)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// loadRules compiles the podSecurity rules of a policy file.
func loadRules(t *testing.T, path string) []corpusRule {
	t.Helper()
	var out []corpusRule
	for _, doc := range yamlDocs(t, path) {
		name, _ := child(doc, "metadata")["name"].(string)
		rules, _ := child(doc, "spec")["rules"].([]any)
		for _, r := range rules {
			rule, _ := r.(map[string]any)
			block := child(rule, "validate", "podSecurity")
			if block == nil {
				continue
			}
			var ps v1alpha1.PodSecurity
			raw, err := yaml.Marshal(block)
			require.NoError(t, err)
			require.NoError(t, yaml.Unmarshal(raw, &ps), path)
			check, err := Compile(&ps)
			require.NoError(t, err, path)
			ruleName, _ := rule["name"].(string)
			out = append(out, corpusRule{policy: name, rule: ruleName, check: check})
		}
	}
	require.NotEmpty(t, out, path)
	return out
}

// runKyvernoTest compares the suite's pass/fail rows; it returns the number of rows and of agreeing rows.
func runKyvernoTest(t *testing.T, dir string, rules []corpusRule) (rows, agree int) {
	t.Helper()
	docs := yamlDocs(t, filepath.Join(dir, "kyverno-test.yaml"))
	if len(docs) == 0 {
		return 0, 0
	}
	suite := docs[0]
	resources := map[string]map[string]any{}
	for _, f := range suite["resources"].([]any) {
		for _, res := range yamlDocs(t, filepath.Join(dir, f.(string))) {
			resources[res["kind"].(string)+"/"+child(res, "metadata")["name"].(string)] = res
		}
	}
	for _, r := range suite["results"].([]any) {
		row := r.(map[string]any)
		want, _ := row["result"].(string)
		if want != "pass" && want != "fail" {
			continue
		}
		check := ruleCheck(t, rules, row["policy"].(string), row["rule"].(string))
		for _, name := range resourceNames(row) {
			res, ok := resources[row["kind"].(string)+"/"+name]
			require.True(t, ok, "%s: resource %s not found", dir, name)
			rows++
			got := check.Evaluate(res)
			if assert.Equal(t, want == "pass", got.Allowed, "%s: %s %s", dir, name, got.Message) {
				agree++
			}
		}
	}
	return rows, agree
}

func resourceNames(row map[string]any) []string {
	var out []string
	if list, ok := row["resources"].([]any); ok {
		for _, n := range list {
			out = append(out, n.(string))
		}
	}
	if n, ok := row["resource"].(string); ok {
		out = append(out, n)
	}
	return out
}

func ruleCheck(t *testing.T, rules []corpusRule, policy, rule string) *Check {
	t.Helper()
	for _, r := range rules {
		if r.policy == policy && r.rule == rule {
			return r.check
		}
	}
	require.Failf(t, "rule not found", "%s/%s", policy, rule)
	return nil
}

// runChainsawTest replays the create steps of pod and pod-controller files: a file created without an expected
// error must pass, one expected to fail must fail, for every resource in it.
func runChainsawTest(t *testing.T, dir string, rules []corpusRule) (docs, agree int) {
	t.Helper()
	tests := yamlDocs(t, filepath.Join(dir, "chainsaw-test.yaml"))
	if len(tests) == 0 {
		return 0, 0
	}
	require.Len(t, rules, 1, dir)
	steps, _ := child(tests[0], "spec")["steps"].([]any)
	for _, s := range steps {
		ops, _ := s.(map[string]any)["try"].([]any)
		for _, o := range ops {
			create := child(o.(map[string]any), "create")
			file, _ := create["file"].(string)
			if !strings.HasPrefix(file, "pod") {
				continue
			}
			wantFail := create["expect"] != nil
			for _, res := range yamlDocs(t, filepath.Join(dir, file)) {
				docs++
				got := rules[0].check.Evaluate(res)
				name := child(res, "metadata")["name"]
				if assert.Equal(t, !wantFail, got.Allowed, "%s/%s %s %v: %s", dir, file, res["kind"], name, got.Message) {
					agree++
				}
			}
		}
	}
	return docs, agree
}

// yamlDocs reads the objects of a multi-document YAML file; a missing file yields none.
func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var out []map[string]any
	for _, part := range strings.Split(string(data), "\n---") {
		var doc map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(part), &doc), path)
		if doc != nil {
			out = append(out, doc)
		}
	}
	return out
}

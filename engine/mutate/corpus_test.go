package mutate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// corpusDirEnv overrides where the Kyverno policy corpus is looked up.
const corpusDirEnv = "BYLAW_KYVERNO_POLICIES"

// corpusDir returns the Kyverno policy corpus folder, or "" when absent.
func corpusDir() string {
	for _, dir := range []string{
		os.Getenv(corpusDirEnv),
		filepath.Join("..", "..", "..", "shared", "conformance", "kyverno-policies"),
		"/work/shared/conformance/kyverno-policies",
	} {
		if info, err := os.Stat(dir); dir != "" && err == nil && info.IsDir() {
			return dir
		}
	}
	return ""
}

// suite is the part of a Kyverno CLI test file the corpus test reads.
type suite struct {
	Policies  []string `json:"policies"`
	Resources []string `json:"resources"`
	Results   []struct {
		Kind             string   `json:"kind"`
		PatchedResources string   `json:"patchedResources"`
		Policy           string   `json:"policy"`
		Resources        []string `json:"resources"`
		Result           string   `json:"result"`
	} `json:"results"`
}

// corpusRule is a rule of a corpus policy, reduced to what decides whether this package alone can apply it.
type corpusRule struct {
	Name  string         `json:"name"`
	Match map[string]any `json:"match"`
	// Extra holds the whole rule, to look for variables, foreach, context and preconditions.
	Extra  map[string]any `json:"-"`
	Mutate *struct {
		PatchStrategicMerge map[string]any `json:"patchStrategicMerge"`
		PatchesJSON6902     string         `json:"patchesJson6902"`
	} `json:"mutate"`
}

// corpusTally counts the rows of the corpus test.
type corpusTally struct {
	agree, differ, skipped, other int
}

// TestCorpus applies the plain strategic-merge and JSON6902 mutate rules of the Kyverno policy corpus to the
// resources of their test suites and compares with the suites' patched resources. Rows whose policy also needs
// variables, foreach, context or preconditions for that kind are skipped.
func TestCorpus(t *testing.T) {
	root := corpusDir()
	if root == "" {
		t.Skip("Kyverno policy corpus not found; set " + corpusDirEnv)
	}
	var tally corpusTally
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "kyverno-test.yaml" {
			return err
		}
		runSuite(t, root, path, &tally)
		return nil
	})
	require.NoError(t, err)
	t.Logf("corpus rows: %d agree, %d differ, %d skipped (rule needs the engine), %d skipped (no mutate rule for the "+
		"kind, e.g. MutatingPolicy)", tally.agree, tally.differ, tally.skipped, tally.other)
	assert.GreaterOrEqual(t, tally.agree, 23)
	assert.Zero(t, tally.differ)
}

func runSuite(t *testing.T, root, path string, tally *corpusTally) {
	dir := filepath.Dir(path)
	var s suite
	require.NoError(t, yaml.Unmarshal(readFile(t, path), &s), path)
	policies := map[string][]corpusRule{}
	for _, p := range s.Policies {
		for _, doc := range readDocs(t, filepath.Join(dir, p)) {
			name, rules := policyRules(t, doc)
			policies[name] = rules
		}
	}
	var resources []map[string]any
	for _, r := range s.Resources {
		resources = append(resources, readDocs(t, filepath.Join(dir, r))...)
	}
	for _, row := range s.Results {
		rules, ok := policies[row.Policy]
		if row.PatchedResources == "" || !ok {
			continue
		}
		applicable, plain := rulesFor(rules, row.Kind)
		switch {
		case !plain:
			tally.skipped += len(row.Resources)
			continue
		case len(applicable) == 0:
			tally.other += len(row.Resources)
			continue
		}
		expected := readDocs(t, filepath.Join(dir, row.PatchedResources))
		for _, id := range row.Resources {
			resource := findDoc(resources, row.Kind, id)
			want := findDoc(expected, row.Kind, id)
			if resource == nil || want == nil {
				tally.skipped++
				continue
			}
			name := strings.TrimPrefix(path, root) + "/" + row.Policy + "/" + id
			resource = withCLINamespace(resource, want)
			if agree := checkRow(t, name, applicable, resource, want, row.Result); agree {
				tally.agree++
			} else {
				tally.differ++
			}
		}
	}
}

// checkRow applies the rules in order and reports whether the outcome agrees with the suite row: the patched
// resource equals the expected one for pass and skip rows, and differs for fail rows.
func checkRow(t *testing.T, name string, rules []corpusRule, resource, want map[string]any, result string) bool {
	got := resource
	for _, rule := range rules {
		next, err := applyRule(rule, got)
		if errors.Is(err, ErrConditionNotMet) {
			continue
		}
		if !assert.NoError(t, err, name) {
			return false
		}
		got = next
	}
	same := jsonEqual(t, got, want)
	if result == "fail" {
		return assert.False(t, same, "%s: expected a different patched resource", name)
	}
	return assert.True(t, same, "%s:\n got: %s\nwant: %s", name, mustJSON(t, got), mustJSON(t, want))
}

// withCLINamespace sets the namespace the Kyverno CLI gives a resource without one (the expected resource's), which
// is no part of the patch.
func withCLINamespace(resource, want map[string]any) map[string]any {
	meta, _ := resource["metadata"].(map[string]any)
	wantMeta, _ := want["metadata"].(map[string]any)
	ns, ok := wantMeta["namespace"]
	if _, has := meta["namespace"]; has || !ok || meta == nil {
		return resource
	}
	out := maps.Clone(resource)
	out["metadata"] = maps.Clone(meta)
	out["metadata"].(map[string]any)["namespace"] = ns
	return out
}

func applyRule(rule corpusRule, resource map[string]any) (map[string]any, error) {
	if rule.Mutate.PatchStrategicMerge != nil {
		return StrategicMerge(resource, rule.Mutate.PatchStrategicMerge)
	}
	return JSON6902(resource, rule.Mutate.PatchesJSON6902)
}

// rulesFor returns the mutate rules that match kind, and whether all of them are plain patches this package can
// apply alone.
func rulesFor(rules []corpusRule, kind string) ([]corpusRule, bool) {
	var out []corpusRule
	for _, r := range rules {
		if r.Mutate == nil || !slices.Contains(ruleKinds(r.Match), kind) {
			continue
		}
		if !isPlainRule(r) {
			return nil, false
		}
		out = append(out, r)
	}
	return out, true
}

func isPlainRule(r corpusRule) bool {
	if r.Mutate.PatchStrategicMerge == nil && r.Mutate.PatchesJSON6902 == "" {
		return false
	}
	for _, key := range []string{"context", "preconditions", "foreach", "targets", "exclude"} {
		if _, ok := r.Extra[key]; ok {
			return false
		}
	}
	if m, ok := r.Extra["mutate"].(map[string]any); ok {
		if _, ok := m["foreach"]; ok {
			return false
		}
	}
	raw, err := json.Marshal(r.Extra)
	return err == nil && !bytes.Contains(raw, []byte("{{"))
}

// ruleKinds lists the kinds (without group and version) of a rule's match block.
func ruleKinds(match map[string]any) []string {
	var blocks []any
	if res, ok := match["resources"]; ok {
		blocks = append(blocks, map[string]any{"resources": res})
	}
	for _, key := range []string{"any", "all"} {
		if list, ok := match[key].([]any); ok {
			blocks = append(blocks, list...)
		}
	}
	var kinds []string
	for _, b := range blocks {
		res, _ := b.(map[string]any)["resources"].(map[string]any)
		list, _ := res["kinds"].([]any)
		for _, k := range list {
			s, _ := k.(string)
			kinds = append(kinds, s[strings.LastIndex(s, "/")+1:])
		}
	}
	return kinds
}

func policyRules(t *testing.T, doc map[string]any) (string, []corpusRule) {
	meta, _ := doc["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	spec, _ := doc["spec"].(map[string]any)
	rawRules, _ := spec["rules"].([]any)
	var rules []corpusRule
	for _, raw := range rawRules {
		var r corpusRule
		data, err := json.Marshal(raw)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &r))
		r.Extra, _ = raw.(map[string]any)
		rules = append(rules, r)
	}
	return name, rules
}

// findDoc finds the document of kind named id ("name" or "namespace/name").
func findDoc(docs []map[string]any, kind, id string) map[string]any {
	ns, name, found := strings.Cut(id, "/")
	if !found {
		ns, name = "", id
	}
	for _, d := range docs {
		meta, _ := d["metadata"].(map[string]any)
		dns, _ := meta["namespace"].(string)
		if d["kind"] == kind && meta["name"] == name && (ns == "" || dns == ns || dns == "") {
			return d
		}
	}
	return nil
}

func readFile(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// readDocs decodes the non-empty documents of a multi-document YAML file.
func readDocs(t *testing.T, path string) []map[string]any {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(readFile(t, path))))
	var docs []map[string]any
	for {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		require.NoError(t, err, path)
		var doc map[string]any
		require.NoError(t, yaml.Unmarshal(raw, &doc), path)
		if doc != nil {
			docs = append(docs, doc)
		}
	}
}

func jsonEqual(t *testing.T, a, b map[string]any) bool {
	return mustJSON(t, a) == mustJSON(t, b)
}

// mustJSON encodes v canonically (sorted keys, numbers as JSON numbers).
func mustJSON(t *testing.T, v any) string {
	data, err := json.Marshal(v)
	require.NoError(t, err)
	var back any
	require.NoError(t, json.Unmarshal(data, &back))
	data, err = json.Marshal(back)
	require.NoError(t, err)
	return string(data)
}

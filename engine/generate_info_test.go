package engine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/engine"
)

// generatePolicy is a ClusterPolicy with extraSpec under spec and one generate rule per entry of rules (named r0,
// r1, ...), each given as the lines under generate.
func generatePolicy(extraSpec string, rules ...string) string {
	doc := "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: g}\nspec:\n" + extraSpec + "  rules:\n"
	for i, r := range rules {
		doc += "  - name: r" + string(rune('0'+i)) + "\n" +
			"    match: {any: [{resources: {kinds: [Namespace]}}]}\n    generate:\n" + r
	}
	return doc
}

const dataRule = `      apiVersion: v1
      kind: ConfigMap
      name: x
      namespace: "{{request.object.metadata.name}}"
      data: {data: {a: b}}
`

func TestGenerateRulesGenerateExisting(t *testing.T) {
	tests := []struct {
		name      string
		extraSpec string
		rules     []string
		want      []bool // GenerateExisting of each rule
	}{
		{name: "unset everywhere", rules: []string{dataRule}, want: []bool{false}},
		{name: "spec.generateExisting", extraSpec: "  generateExisting: true\n", rules: []string{dataRule}, want: []bool{true}},
		{name: "deprecated spec.generateExistingOnPolicyUpdate", extraSpec: "  generateExistingOnPolicyUpdate: true\n",
			rules: []string{dataRule}, want: []bool{true}},
		{name: "generateExistingOnPolicyUpdate false", extraSpec: "  generateExistingOnPolicyUpdate: false\n",
			rules: []string{dataRule}, want: []bool{false}},
		{name: "rule-level true without spec", rules: []string{"      generateExisting: true\n" + dataRule, dataRule},
			want: []bool{true, false}},
		{name: "rule-level false overrides spec-level true", extraSpec: "  generateExisting: true\n",
			rules: []string{"      generateExisting: false\n" + dataRule, dataRule}, want: []bool{false, true}},
		{name: "rule-level false overrides the deprecated field", extraSpec: "  generateExistingOnPolicyUpdate: true\n",
			rules: []string{"      generateExisting: false\n" + dataRule}, want: []bool{false}},
	}
	e := engine.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, e, generatePolicy(tt.extraSpec, tt.rules...))
			require.Len(t, set.Policies, 1)
			var got []bool
			for _, g := range set.Policies[0].GenerateRules() {
				got = append(got, g.GenerateExisting)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestGenerateRulesCloneSources(t *testing.T) {
	tests := []struct {
		name string
		rule string
		want []engine.CloneSource
	}{
		{name: "data has none", rule: dataRule},
		{name: "clone", want: []engine.CloneSource{{APIVersion: "v1", Kind: "Secret", Namespace: "default", Name: "regcred"}},
			rule: `      apiVersion: v1
      kind: Secret
      name: regcred
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: default, name: regcred}
`},
		{name: "clone with a variable", rule: `      apiVersion: v1
      kind: Secret
      name: regcred
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: "{{request.object.metadata.labels.source}}", name: regcred}
`, want: []engine.CloneSource{{APIVersion: "v1", Kind: "Secret", Namespace: "{{request.object.metadata.labels.source}}",
			Name: "regcred", HasVariables: true}}},
		{name: "cloneList, one source per kind", rule: `      namespace: "{{request.object.metadata.name}}"
      cloneList: {namespace: shared, kinds: [v1/ConfigMap, Secret], selector: {matchLabels: {copy: "yes"}}}
`, want: []engine.CloneSource{
			{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shared", Selector: copySelector()},
			{Kind: "Secret", Namespace: "shared", Selector: copySelector()},
		}},
		{name: "foreach clone", rule: `      foreach:
      - list: "['a', 'b']"
        apiVersion: v1
        kind: ConfigMap
        name: "cm-{{element}}"
        namespace: "{{request.object.metadata.name}}"
        clone: {namespace: shared, name: "src-{{element}}"}
`, want: []engine.CloneSource{{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shared", Name: "src-{{element}}",
			HasVariables: true}}},
	}
	e := engine.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, e, generatePolicy("", tt.rule))
			rules := set.Policies[0].GenerateRules()
			require.Len(t, rules, 1)
			assert.Equal(t, tt.want, rules[0].CloneSources)
		})
	}
}

func copySelector() *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{"copy": "yes"}}
}

package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testValues() *Values {
	return &Values{
		GlobalValues: map[string]any{"a": "global", "b": "global"},
		Policies: []PolicyValues{{
			Name: "pol",
			Resources: []ResourceValues{
				{Name: "res", Values: map[string]any{"b": "resource", "request.operation": "UPDATE"}},
				{Name: "empty"},
			},
			Rules: []RuleValues{
				{Name: "check", Values: map[string]any{"c": "rule"}},
				{Name: "no-values"},
			},
		}},
		NamespaceSelectors: []NamespaceLabels{{Name: "prod", Labels: map[string]string{"env": "prod"}}, {Name: "dev", Labels: map[string]string{"env": "dev"}}},
		Namespaces:         []Namespace{{Metadata: Metadata{Name: "prod", Labels: map[string]string{"env": "production"}}}},
	}
}

func TestResourceVariablesMergesGlobalAndResourceValues(t *testing.T) {
	v := testValues()
	tests := []struct {
		name, policy, resource string
		want                   map[string]any
		specific               bool
	}{
		{"resource values override global", "pol", "res", map[string]any{"a": "global", "b": "resource", "request.operation": "UPDATE"}, true},
		{"no values for the resource", "pol", "other", map[string]any{"a": "global", "b": "global"}, false},
		{"resource entry without values", "pol", "empty", map[string]any{"a": "global", "b": "global"}, false},
		{"other policy", "other", "res", map[string]any{"a": "global", "b": "global"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, specific := v.resourceVariables(tt.policy, tt.resource)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.specific, specific)
		})
	}
	assert.Equal(t, "global", v.GlobalValues["b"], "merging must not write globalValues")
}

func TestRuleVariablesMatchAutogenNames(t *testing.T) {
	v := testValues()
	tests := []struct {
		rule string
		want map[string]any
	}{
		{"check", map[string]any{"c": "rule"}},
		{"autogen-check", map[string]any{"c": "rule"}},
		{"autogen-cronjob-check", map[string]any{"c": "rule"}},
		{"autogen-other-check", nil},
		{"no-values", nil},
		{"unknown", nil},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			assert.Equal(t, tt.want, v.RuleVariables("pol", tt.rule))
		})
	}
	assert.True(t, v.hasRuleVariables("pol"))
	assert.False(t, v.hasRuleVariables("other"))
}

func TestNamespaceLabelsPreferNamespaces(t *testing.T) {
	v := testValues()
	assert.Equal(t, map[string]string{"env": "production"}, v.NamespaceLabels("prod"))
	assert.Equal(t, map[string]string{"env": "dev"}, v.NamespaceLabels("dev"))
	assert.Nil(t, v.NamespaceLabels("unknown"))
	assert.Nil(t, v.NamespaceLabels(""))
}

func TestNilValuesAreEmpty(t *testing.T) {
	var v *Values
	assert.Nil(t, v.GlobalVariables())
	assert.Nil(t, v.ResourceVariables("p", "r"))
	assert.Nil(t, v.RuleVariables("p", "r"))
	assert.Nil(t, v.NamespaceLabels("ns"))
	assert.False(t, v.hasRuleVariables("p"))
	_, _, ok := v.SubresourceOf("v1", "Pod")
	assert.False(t, ok)
}

func TestParseSetValues(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want map[string]any
		err  bool
	}{
		{"none", nil, nil, false},
		{"one pair", []string{"env=prod"}, map[string]any{"env": "prod"}, false},
		{"comma-separated", []string{"env=prod,tier=web"}, map[string]any{"env": "prod", "tier": "web"}, false},
		{"repeated, later wins", []string{"env=dev", "env=prod"}, map[string]any{"env": "prod"}, false},
		{"value keeps '='", []string{"expr=a=b"}, map[string]any{"expr": "a=b"}, false},
		{"empty value", []string{"env="}, map[string]any{"env": ""}, false},
		{"numbers stay strings", []string{"replicas=3"}, map[string]any{"replicas": "3"}, false},
		{"dotted key", []string{"request.operation=UPDATE"}, map[string]any{"request.operation": "UPDATE"}, false},
		{"space after comma", []string{"a=1, b=2"}, map[string]any{"a": "1", "b": "2"}, false},
		{"no '='", []string{"env"}, nil, true},
		{"empty key", []string{"=prod"}, nil, true},
		{"trailing comma", []string{"env=prod,"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSetValues(tt.args)
			if tt.err {
				require.ErrorIs(t, err, ErrSetValue)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWithGlobalValuesLetsSetWin(t *testing.T) {
	v := testValues()
	got := v.WithGlobalValues(map[string]any{"b": "set", "d": "set"})
	assert.Equal(t, map[string]any{"a": "global", "b": "set", "d": "set"}, got.GlobalVariables())
	assert.Equal(t, map[string]any{"a": "global", "b": "global"}, v.GlobalValues, "the values file is not written")
	assert.Equal(t, map[string]any{"a": "global", "b": "resource", "d": "set", "request.operation": "UPDATE"},
		got.ResourceVariables("pol", "res"), "a policy's values for a resource still win")
	assert.Equal(t, map[string]string{"env": "production"}, got.NamespaceLabels("prod"), "the rest of the file is kept")
	assert.Same(t, v, v.WithGlobalValues(nil), "nothing to set")

	var none *Values
	assert.Equal(t, map[string]any{"env": "prod"}, none.WithGlobalValues(map[string]any{"env": "prod"}).GlobalVariables())
	assert.Nil(t, none.WithGlobalValues(nil))
}

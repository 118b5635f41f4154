package apply

import (
	"bytes"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/cli/kyvernotest"
	"github.com/bylaw-dev/bylaw/manifest"
)

func TestRunSet(t *testing.T) {
	tests := []struct {
		name      string
		values    string
		set       []string
		owner     string // result of rule owner ("owner is carol" passes)
		operation string // result of rule operation ("operation is UPDATE" passes)
	}{
		{"values file only", "testdata/values.yaml", nil, "fail", "fail"},
		{"--set wins over the values file", "testdata/values.yaml", []string{"owner=carol"}, "pass", "fail"},
		{"--set without a values file", "", []string{"owner=carol"}, "pass", "fail"},
		{"request.operation", "testdata/values.yaml", []string{"request.operation=UPDATE"}, "fail", "pass"},
		{"comma-separated", "", []string{"owner=carol,request.operation=UPDATE"}, "pass", "pass"},
		{"repeated, the later wins", "", []string{"owner=carol", "owner=bob"}, "fail", "fail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, _ := runJSON(t, Options{
				PolicyPaths:   []string{"testdata/set/policy.yaml"},
				ResourcePaths: []string{"testdata/resources/pods.yaml"},
				ValuesFile:    tt.values,
				Set:           tt.set,
			})
			assert.Equal(t, tt.owner, resultOf(rep, "set-variables", "owner", "Pod/default/good").Result)
			assert.Equal(t, tt.operation, resultOf(rep, "set-variables", "operation", "Pod/default/good").Result)
		})
	}
}

func TestRunSetMessages(t *testing.T) {
	rep, _ := runJSON(t, Options{
		PolicyPaths:   []string{"testdata/set/policy.yaml"},
		ResourcePaths: []string{"testdata/resources/pods.yaml"},
		ValuesFile:    "testdata/values.yaml",
		Set:           []string{"owner=dave"},
	})
	assert.Equal(t, "owner is dave", resultOf(rep, "set-variables", "owner", "Pod/default/good").Message)
	assert.Equal(t, "operation is CREATE", resultOf(rep, "set-variables", "operation", "Pod/default/good").Message)
}

func TestRunSetRejectsAPairWithoutValue(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(), Options{
		PolicyPaths:   []string{"testdata/set/policy.yaml"},
		ResourcePaths: []string{"testdata/resources/pods.yaml"},
		Set:           []string{"owner"},
	}, &stdout, &stderr)
	assert.Equal(t, ExitNoInput, code)
	require.ErrorIs(t, err, kyvernotest.ErrSetValue)
	assert.Contains(t, err.Error(), `"owner"`)
}

func TestBindFlags(t *testing.T) {
	var o Options
	fs := pflag.NewFlagSet("apply", pflag.ContinueOnError)
	o.BindFlags(fs)
	require.NoError(t, fs.Parse([]string{"-r", "r.yaml", "--set", "a=1,b=2", "-s", "request.operation=UPDATE",
		"--output-dir", "out", "-o", "yaml"}))
	assert.Equal(t, Options{
		ResourcePaths: []string{"r.yaml"},
		Set:           []string{"a=1,b=2", "request.operation=UPDATE"},
		OutputDir:     "out",
		Output:        FormatYAML,
		Limits:        manifest.Limits{MaxBytes: manifest.DefaultMaxBytes},
	}, o)
}

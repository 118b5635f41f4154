package server

import (
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	policyctl "github.com/bylaw-dev/bylaw/controllers/policy"
)

// parse binds the options to a flag set and parses args, as `bylaw serve` does.
func parse(t *testing.T, args ...string) Options {
	t.Helper()
	o := DefaultOptions()
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	o.AddFlags(fs)
	require.NoError(t, fs.Parse(args))
	return o
}

func TestExceptionNamespacesFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want policyctl.ExceptionNamespaces
		err  string
	}{
		{name: "default is Bylaw's namespace", args: []string{"--namespace=policy-system"},
			want: policyctl.ExceptionNamespaces{"policy-system"}},
		{name: "a list", args: []string{"--exception-namespaces=bylaw-system,exceptions"},
			want: policyctl.ExceptionNamespaces{"bylaw-system", "exceptions"}},
		{name: "the list replaces the default", args: []string{"--exception-namespaces=exceptions"},
			want: policyctl.ExceptionNamespaces{"exceptions"}},
		{name: "every namespace", args: []string{"--exception-namespaces=*"}, want: policyctl.ExceptionNamespaces{"*"}},
		{name: "an empty value trusts none", args: []string{"--exception-namespaces="}, want: policyctl.ExceptionNamespaces{}},
		{name: "not a namespace name", args: []string{"--exception-namespaces=Team_A"},
			err: `--exception-namespaces: "Team_A" is not a namespace name`},
		{name: "* with names", args: []string{"--exception-namespaces=*,bylaw-system"},
			err: `--exception-namespaces: "*" trusts every namespace and stands alone`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parse(t, append([]string{"--webhook-url=https://127.0.0.1:9443"}, tt.args...)...)
			err := o.Validate()
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, o.exceptionNamespaces())
		})
	}
}

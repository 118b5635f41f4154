package server

import (
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContextServiceAccountFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
		err  string
	}{
		{name: "default", want: "bylaw-context"},
		{name: "set", args: []string{"--context-service-account=policy-reader"}, want: "policy-reader"},
		{name: "empty is refused", args: []string{"--context-service-account="}, err: "--context-service-account: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultOptions()
			o.Namespace = "bylaw-system"
			fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
			o.AddFlags(fs)
			require.NoError(t, fs.Parse(tt.args))
			assert.Equal(t, tt.want, o.ContextServiceAccount)
			if tt.err == "" {
				assert.NoError(t, o.Validate())
				return
			}
			assert.ErrorContains(t, o.Validate(), tt.err)
		})
	}
}

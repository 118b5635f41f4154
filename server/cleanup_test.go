package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/controllers/cleanup"
)

func TestCleanupFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want CleanupOptions
		err  string
	}{
		{name: "defaults", want: CleanupOptions{Cleanup: true, CleanupRate: cleanup.DefaultRate}},
		{name: "off", args: []string{"--cleanup=false"}, want: CleanupOptions{Cleanup: false, CleanupRate: cleanup.DefaultRate}},
		{name: "rate", args: []string{"--cleanup-rate=2.5"}, want: CleanupOptions{Cleanup: true, CleanupRate: 2.5}},
		{name: "rate must be positive", args: []string{"--cleanup-rate=0"}, err: "--cleanup-rate must be positive"},
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
			assert.Equal(t, tt.want, o.CleanupOptions)
		})
	}
}

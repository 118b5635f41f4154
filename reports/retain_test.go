package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestRetainForgetsOnlyTheKindsUnkeptResources(t *testing.T) {
	p := newPolicy("team")
	b := NewBook(Options{})
	kept, gone := pod("shop", "kept"), pod("shop", "gone")
	deploy := Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "gone", UID: "d-1"}
	cm := Resource{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "gone", UID: "c-1"}
	for _, r := range []Resource{kept, gone, deploy, cm} {
		b.Set(r, []engine.PolicyResult{result(p, rule("r", engine.StatusPass, ""))})
	}
	b.Changed()
	tests := []struct {
		name, group, kind string
		wantForgot        bool
		wantCount         int
	}{
		{"other kind in the same group untouched", "", "Secret", false, 4},
		{"Pods not kept go", "", "Pod", true, 3},
		{"a second pass finds nothing", "", "Pod", false, 3},
		{"group must match", "", "Deployment", false, 3},
		{"apps Deployments", "apps", "Deployment", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forgot := b.Retain(tt.group, tt.kind, func(r Resource) bool { return r.Name == "kept" })
			assert.Equal(t, tt.wantForgot, forgot)
			assert.Equal(t, tt.wantCount, b.countIn("shop"))
		})
	}
	require.Equal(t, []string{"shop"}, b.Changed())
}

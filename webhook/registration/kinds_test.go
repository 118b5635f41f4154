package registration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKindSelector(t *testing.T) {
	tests := []struct {
		raw  string
		want kindSelector
	}{
		{"Pod", kindSelector{"*", "*", "Pod", ""}},
		{"v1/Pod", kindSelector{"*", "v1", "Pod", ""}},
		{"v2beta1/HorizontalPodAutoscaler", kindSelector{"*", "v2beta1", "HorizontalPodAutoscaler", ""}},
		{"apps/v1/Deployment", kindSelector{"apps", "v1", "Deployment", ""}},
		{"apps/*/Deployment", kindSelector{"apps", "*", "Deployment", ""}},
		{"networking.k8s.io/v1/NetworkPolicy", kindSelector{"networking.k8s.io", "v1", "NetworkPolicy", ""}},
		{"Pod/exec", kindSelector{"*", "*", "Pod", "exec"}},
		{"Pod.exec", kindSelector{"*", "*", "Pod", "exec"}},
		{"Pod/*", kindSelector{"*", "*", "Pod", "*"}},
		{"v1/Pod/exec", kindSelector{"*", "v1", "Pod", "exec"}},
		{"apps/v1/Deployment/scale", kindSelector{"apps", "v1", "Deployment", "scale"}},
		{"*", kindSelector{"*", "*", "*", ""}},
		{"*/*", kindSelector{"*", "*", "*", "*"}},
		{"*/scale", kindSelector{"*", "*", "*", "scale"}},
		{"*/Pod", kindSelector{"*", "*", "Pod", ""}},
		{"Deploy*", kindSelector{"*", "*", "Deploy*", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := parseKindSelector(tt.raw)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseKindSelectorRejects(t *testing.T) {
	for _, raw := range []string{"", "/Pod", "Pod/", "apps//Deployment", "a/b/c/d/e", "Pod."} {
		t.Run(raw, func(t *testing.T) {
			_, err := parseKindSelector(raw)
			assert.Error(t, err)
		})
	}
}

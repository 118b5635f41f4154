package generate_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/bylaw-dev/bylaw/controllers/generate"
)

func TestLabelValue(t *testing.T) {
	long := strings.Repeat("a", 64)
	tests := []struct {
		name, in string
		kept     bool
	}{
		{"a valid value is kept", "require-team", true},
		{"empty is valid", "", true},
		{"a namespaced policy key is hashed", "team-a/require-team", false},
		{"a value longer than 63 characters is hashed", long, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := generate.LabelValue(tt.in)
			assert.Empty(t, validation.IsValidLabelValue(got))
			assert.Equal(t, got, generate.LabelValue(tt.in), "the same input gives the same value")
			if tt.kept {
				assert.Equal(t, tt.in, got)
			} else {
				assert.True(t, strings.HasPrefix(got, "sha256-"), got)
				assert.NotEqual(t, generate.LabelValue(tt.in+"x"), got)
			}
		})
	}
}

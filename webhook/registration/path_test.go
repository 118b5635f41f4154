package registration

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestPathRoundTrip(t *testing.T) {
	tests := []struct {
		mutating bool
		webhook  engine.Webhook
		path     string
		name     string
	}{
		{false, engine.Webhook{FailurePolicy: "Fail", TimeoutSeconds: 10}, "/validate/fail/10", "validate-fail-10.bylaw.dev"},
		{true, engine.Webhook{FailurePolicy: "Ignore", TimeoutSeconds: 5}, "/mutate/ignore/5", "mutate-ignore-5.bylaw.dev"},
		{false, engine.Webhook{FailurePolicy: "Ignore", TimeoutSeconds: 1}, "/validate/ignore/1", "validate-ignore-1.bylaw.dev"},
		{true, engine.Webhook{FailurePolicy: "Fail", TimeoutSeconds: 30}, "/mutate/fail/30", "mutate-fail-30.bylaw.dev"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			assert.Equal(t, tt.path, Path(tt.mutating, tt.webhook))
			assert.Equal(t, tt.name, webhookName(tt.mutating, tt.webhook))
			mutating, w, ok := ParsePath(tt.path)
			assert.True(t, ok)
			assert.Equal(t, tt.mutating, mutating)
			assert.Equal(t, tt.webhook, w)
		})
	}
}

func TestPathNormalizes(t *testing.T) {
	tests := []struct {
		name    string
		webhook engine.Webhook
		path    string
	}{
		{"zero value fails closed with the default timeout", engine.Webhook{}, "/validate/fail/10"},
		{"unknown failure policy fails closed", engine.Webhook{FailurePolicy: "ignore", TimeoutSeconds: 3}, "/validate/fail/3"},
		{"timeout above 30", engine.Webhook{FailurePolicy: "Ignore", TimeoutSeconds: 31}, "/validate/ignore/10"},
		{"negative timeout", engine.Webhook{FailurePolicy: "Fail", TimeoutSeconds: -1}, "/validate/fail/10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.path, Path(false, tt.webhook))
			_, w, ok := ParsePath(tt.path)
			assert.True(t, ok)
			assert.Equal(t, Normalize(tt.webhook), w)
		})
	}
}

func TestParsePathRejects(t *testing.T) {
	for _, path := range []string{
		"", "/", "/validate", "/validate/fail", "/validate/fail/10/", "validate/fail/10", "//validate/fail/10",
		"/validate/Fail/10", "/Validate/fail/10", "/admit/fail/10", "/validate/open/10", "/validate/fail/010",
		"/validate/fail/0", "/validate/fail/31", "/validate/fail/-1", "/validate/fail/+5", "/validate/fail/ten",
		"/validate/fail/10?x=1", "/mutate/ignore/99999999999",
	} {
		t.Run(path, func(t *testing.T) {
			_, _, ok := ParsePath(path)
			assert.False(t, ok)
		})
	}
}

package imagedata

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

type fakeClient map[string]map[string]any

func (f fakeClient) ImageData(_ context.Context, ref string) (map[string]any, error) {
	if d, ok := f[ref]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("%s: MANIFEST_UNKNOWN", ref)
}

func TestGetMetadata(t *testing.T) {
	env := libtest.Env(t, Lib())
	c := fakeClient{"nginx:1.25": {
		"resolvedImage": "nginx:1.25@sha256:abc",
		"config":        map[string]any{"created": "2020-05-01T03:15:12Z", "config": map[string]any{"User": "root"}},
		"manifest":      map[string]any{"annotations": map[string]any{"org.opencontainers.image.base.name": "alpine"}},
	}}
	tests := []struct {
		expr string
		want any
	}{
		{`image.GetMetadata("nginx:1.25").config.created`, "2020-05-01T03:15:12Z"},
		{`image.getMetadata("nginx:1.25").config.config.User`, "root"},
		{`timestamp(image.GetMetadata("nginx:1.25").config.created) < timestamp("2021-01-01T00:00:00Z")`, true},
		{`has(image.GetMetadata("nginx:1.25").config.Volumes)`, false},
		{`'org.opencontainers.image.base.name' in image.GetMetadata("nginx:1.25").manifest.annotations`, true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			res := libtest.Eval(t, env, tt.expr, map[string]any{Name: Value(context.Background(), c)})
			assert.Equal(t, tt.want, res.Native(t))
		})
	}
}

func TestGetMetadataErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		name   string
		client Client
		err    string
	}{
		{"unbound", nil, "failed to get image data: no source of outside data is bound"},
		{"registry error", fakeClient{}, "failed to get image data: ghcr.io/x:1: MANIFEST_UNKNOWN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := libtest.Eval(t, env, `image.GetMetadata("ghcr.io/x:1").config`, map[string]any{Name: Value(context.Background(), tt.client)})
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.err)
		})
	}
	assert.Contains(t, libtest.CompileError(env, `image.GetMetadata(1)`), "found no matching overload")
}

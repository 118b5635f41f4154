package images

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		ref     string
		want    Info
		wantErr bool
	}{
		{ref: "nginx", want: Info{Registry: "docker.io", Path: "nginx", Name: "nginx", Tag: "latest"}},
		{ref: "nginx:1.25", want: Info{Registry: "docker.io", Path: "nginx", Name: "nginx", Tag: "1.25"}},
		{ref: "ghcr.io/org/app:v1", want: Info{Registry: "ghcr.io", Path: "org/app", Name: "app", Tag: "v1"}},
		{ref: "localhost:5000/app", want: Info{Registry: "localhost:5000", Path: "app", Name: "app", Tag: "latest"}},
		{ref: "library/busybox@sha256:abc", want: Info{Registry: "docker.io", Path: "library/busybox", Name: "busybox", Digest: "sha256:abc"}},
		{ref: "reg.io/a/b:1@sha256:abc", want: Info{Registry: "reg.io", Path: "a/b", Name: "b", Tag: "1", Digest: "sha256:abc"}},
		{ref: "", wantErr: true},
		{ref: "a b", wantErr: true},
		{ref: "reg.io/:tag", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, err := Parse(tt.ref)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFromObject(t *testing.T) {
	pod := map[string]any{"kind": "Pod", "spec": map[string]any{
		"containers":     []any{map[string]any{"name": "web", "image": "nginx:1"}},
		"initContainers": []any{map[string]any{"name": "init", "image": "ghcr.io/x/y"}},
	}}
	got := FromObject(pod)
	require.NotNil(t, got)
	assert.Equal(t, "1", got["containers"].(map[string]any)["web"].(map[string]any)["tag"])
	assert.Equal(t, "ghcr.io", got["initContainers"].(map[string]any)["init"].(map[string]any)["registry"])

	cron := map[string]any{"kind": "CronJob", "spec": map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{
		"template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "busybox"}}}}}}}}
	assert.Equal(t, "docker.io/busybox:latest", FromObject(cron)["containers"].(map[string]any)["c"].(map[string]any)["reference"])

	assert.Nil(t, FromObject(map[string]any{"kind": "ConfigMap"}))
}

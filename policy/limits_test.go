package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/manifest"
)

// aliasBombFile is the ~1 KB "billion laughs" document of manifest's test data.
var aliasBombFile = filepath.Join("..", "manifest", "testdata", "alias-bomb.yaml")

// sparseFile creates a file of size bytes without writing them.
func sparseFile(t *testing.T, size int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(p)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(size))
	require.NoError(t, f.Close())
	return p
}

func TestLoadResourcesBounded(t *testing.T) {
	big := sparseFile(t, 100<<20)
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		path string
		want []string // in the one error
	}{
		{name: "alias bomb", ctx: t.Context(), path: aliasBombFile,
			want: []string{aliasBombFile + " document 1: line 14: alias expansion over the limit: more than 250000 values"}},
		{name: "100 MB file", ctx: t.Context(), path: big,
			want: []string{big + ": cannot read: read " + big + ": file over the limit: 104857600 bytes, more than 33554432"}},
		{name: "canceled", ctx: canceled, path: aliasBombFile, want: []string{"context canceled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			objs, errs := LoadResources(tt.ctx, manifest.Limits{}, tt.path)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Empty(t, objs)
			require.Len(t, errs, 1)
			for _, w := range tt.want {
				assert.Contains(t, errs[0].Error(), w)
			}
		})
	}
}

func TestDecodeResourcesStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	stream := strings.Repeat("kind: Pod\nmetadata: {name: a}\n---\n", 1000)
	objs, errs := DecodeResources(ctx, manifest.Limits{}, "r.yaml", []byte(stream))
	assert.Empty(t, objs)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
}

func TestLoaderBounded(t *testing.T) {
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(policyFile, []byte(goodPolicy), 0o600))
	bomb, err := os.ReadFile(aliasBombFile)
	require.NoError(t, err)
	bombPolicy := filepath.Join(dir, "bomb.yaml")
	require.NoError(t, os.WriteFile(bombPolicy, []byte(goodPolicy+"---\n"+string(bomb)), 0o600))
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		lim      manifest.Limits
		path     string
		policies int
		want     string // the one error
	}{
		{name: "alias bomb in a policy file", ctx: t.Context(), path: bombPolicy, policies: 1,
			want: bombPolicy + " document 2: line 14: alias expansion over the limit: more than 250000 values"},
		{name: "policy file over the limit", ctx: t.Context(), path: policyFile, lim: manifest.Limits{MaxBytes: 100},
			want: policyFile + ": cannot read: read " + policyFile + ": file over the limit"},
		{name: "canceled", ctx: canceled, path: policyFile, want: policyFile + ": stopped: context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLoader(engine.New())
			l.Limits = tt.lim
			start := time.Now()
			set := l.LoadPaths(tt.ctx, tt.path)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Len(t, set.Policies, tt.policies)
			require.Len(t, set.Errors, 1)
			assert.Contains(t, set.Errors[0].Error(), tt.want)
		})
	}
}

package policy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

func compiled(t *testing.T, name string, kinds ...string) *engine.Policy {
	t.Helper()
	doc := fmt.Sprintf(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: %s, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: %s}}]}
    validate: {deny: {}}
`, name, mustJSON(t, kinds))
	set := policy.NewLoader(engine.New()).LoadBytes("t.yaml", []byte(doc))
	require.Empty(t, set.Errors)
	require.Len(t, set.Policies, 1)
	return set.Policies[0]
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func keys(ps []*engine.Policy) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Key())
	}
	return out
}

func TestStoreSnapshots(t *testing.T) {
	s := policy.NewStore()
	first := s.Snapshot()
	require.NotNil(t, first)
	assert.False(t, s.Ready())
	assert.Empty(t, first.Policies)

	s.SetPolicy("cluster", compiled(t, "b", "Pod"))
	s.SetPolicy("cluster", compiled(t, "a", "apps/v1/Deployment", "Pod/exec"))
	s.SetPolicy("git", compiled(t, "c", "*"))
	snap := s.Snapshot()
	assert.Equal(t, int64(3), snap.Revision)
	assert.Equal(t, []string{"a", "b", "c"}, keys(snap.Policies))
	assert.Empty(t, first.Policies, "an old snapshot never changes")
	assert.Equal(t, "git", snap.Source("c"))

	tests := []struct {
		kind string
		want []string
	}{
		{"Pod", []string{"a", "b", "c"}},
		{"Deployment", []string{"a", "c"}},
		{"ConfigMap", []string{"c"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, keys(snap.Candidates(tt.kind, "")), tt.kind)
	}

	s.DeletePolicy("cluster", "b")
	assert.Equal(t, []string{"a", "c"}, keys(s.Snapshot().Policies))
	s.ReplaceSource("git", []*engine.Policy{compiled(t, "d", "Pod")}, nil)
	assert.Equal(t, []string{"a", "d"}, keys(s.Snapshot().Policies))
	s.ReplaceSource("git", nil, nil)
	assert.Equal(t, []string{"a"}, keys(s.Snapshot().Policies))
}

func TestStoreSameKeyFromTwoSources(t *testing.T) {
	s := policy.NewStore()
	s.SetPolicy("b-source", compiled(t, "p", "Pod"))
	s.SetPolicy("a-source", compiled(t, "p", "Pod"))
	snap := s.Snapshot()
	assert.Len(t, snap.Policies, 1, "one policy per key")
	assert.Equal(t, "a-source", snap.Source("p"))
}

func TestStoreNotifiesAndCoalesces(t *testing.T) {
	s := policy.NewStore()
	ch, cancel := s.Subscribe()
	s.SetPolicy("cluster", compiled(t, "a", "Pod"))
	s.SetPolicy("cluster", compiled(t, "b", "Pod"))
	<-ch
	select {
	case <-ch:
		t.Fatal("two quick changes must coalesce into one notification")
	default:
	}
	s.MarkReady()
	<-ch
	assert.True(t, s.Ready())
	cancel()
	s.DeletePolicy("cluster", "a")
	select {
	case <-ch:
		t.Fatal("no notification after cancel")
	default:
	}
}

func TestStoreConcurrentReadersSeeWholeSnapshots(t *testing.T) {
	s := policy.NewStore()
	p1, p2 := compiled(t, "a", "Pod"), compiled(t, "b", "Pod")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 500; i++ {
			s.ReplaceSource("git", []*engine.Policy{p1, p2}, nil)
			s.ReplaceSource("git", nil, nil)
		}
	}()
	for i := 0; i < 2000; i++ {
		n := len(s.Snapshot().Policies)
		require.True(t, n == 0 || n == 2, "saw a partial set of %d", n)
	}
	wg.Wait()
}

func TestStoreOtherSources(t *testing.T) {
	s := policy.NewStore()
	s.SetPolicy("git-a", compiled(t, "p", "Pod"))
	s.SetPolicy("cluster", compiled(t, "p", "Pod"))
	s.SetPolicy("git-b", compiled(t, "q", "Pod"))
	assert.Equal(t, []string{"cluster"}, s.OtherSources("git-a", "p"))
	assert.Equal(t, []string{"cluster", "git-a"}, s.OtherSources("git-b", "p"))
	assert.Empty(t, s.OtherSources("git-b", "q"))
}

func TestStoreReadinessWaitsForFirstLoads(t *testing.T) {
	s := policy.NewStore()
	s.Wait("gitsources")
	s.MarkReady()
	assert.False(t, s.Ready(), "still listing the sources")
	s.Wait("gitsource/ns/a")
	s.Done("gitsources")
	assert.Equal(t, []string{"gitsource/ns/a"}, s.Waiting())
	assert.False(t, s.Ready())
	s.Done("gitsource/ns/a")
	s.Done("gitsource/ns/a")
	assert.True(t, s.Ready())
	assert.Empty(t, s.Waiting())
}

func TestWaitReady(t *testing.T) {
	s := policy.NewStore()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	assert.False(t, s.WaitReady(ctx), "never ready: gives up with ctx")
	s.MarkReady()
	assert.True(t, s.WaitReady(context.Background()))
}

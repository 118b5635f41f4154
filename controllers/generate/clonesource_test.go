package generate_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

// clonePolicy copies, into each namespace labelled bylaw-test=<id>, ConfigMap base of namespace source twice (as
// synced-copy with synchronize, as plain-copy without) and, with synchronize, every ConfigMap labelled copy=yes there.
func clonePolicy(id, source string) string {
	return fmt.Sprintf(`apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: clone-%[1]s}
spec:
  rules:
  - name: synced
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {bylaw-test: "%[1]s"}}}}]}
    generate:
      synchronize: true
      apiVersion: v1
      kind: ConfigMap
      name: synced-copy
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: %[2]s, name: base}
  - name: plain
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {bylaw-test: "%[1]s"}}}}]}
    generate:
      apiVersion: v1
      kind: ConfigMap
      name: plain-copy
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: %[2]s, name: base}
  - name: listed
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {bylaw-test: "%[1]s"}}}}]}
    generate:
      synchronize: true
      namespace: "{{request.object.metadata.name}}"
      cloneList: {namespace: %[2]s, kinds: [v1/ConfigMap], selector: {matchLabels: {copy: "yes"}}}
`, id, source)
}

func TestCloneSourceChanges(t *testing.T) {
	w := newWorld(t)
	shared := w.configMap(w.source, "shared-a", map[string]string{"copy": "yes"}, map[string]string{"a": "1"})
	w.setPolicies(clonePolicy(w.id, w.source))
	w.start()
	triggers := []*corev1.Namespace{w.trigger(), w.trigger()}
	for _, ns := range triggers {
		for _, name := range []string{"synced-copy", "plain-copy", "shared-a"} {
			w.eventuallyObject(&corev1.ConfigMap{}, ns.Name, name, nil)
		}
	}
	w.eventuallyNoRequests()

	// eventuallyData waits until ConfigMap name has data in every trigger namespace.
	eventuallyData := func(t *testing.T, name string, data map[string]string) {
		t.Helper()
		for _, ns := range triggers {
			cm := &corev1.ConfigMap{}
			w.eventuallyObject(cm, ns.Name, name, func(c *assert.CollectT) { assert.Equal(c, data, cm.Data) })
		}
	}
	t.Run("a changed clone source reaches the synchronized copies in every namespace", func(t *testing.T) {
		base := &corev1.ConfigMap{}
		w.eventuallyObject(base, w.source, "base", nil)
		base.Data = map[string]string{"level": "debug"}
		require.NoError(t, w.client.Update(w.ctx, base))
		eventuallyData(t, "synced-copy", map[string]string{"level": "debug"})
		w.eventuallyNoRequests()
	})
	t.Run("the copies of a rule without synchronize stay as they were", func(t *testing.T) {
		for _, ns := range triggers {
			cm := &corev1.ConfigMap{}
			w.eventuallyObject(cm, ns.Name, "plain-copy", nil)
			assert.Equal(t, map[string]string{"level": "info"}, cm.Data, ns.Name)
		}
	})
	t.Run("a changed cloneList source reaches its copies", func(t *testing.T) {
		shared.Data = map[string]string{"a": "2"}
		require.NoError(t, w.client.Update(w.ctx, shared))
		eventuallyData(t, "shared-a", map[string]string{"a": "2"})
	})
	t.Run("a new cloneList source is copied into every namespace", func(t *testing.T) {
		w.configMap(w.source, "shared-b", map[string]string{"copy": "yes"}, map[string]string{"b": "1"})
		eventuallyData(t, "shared-b", map[string]string{"b": "1"})
		w.eventuallyNoRequests()
	})
}

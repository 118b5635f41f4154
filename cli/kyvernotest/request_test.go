package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bylaw-dev/bylaw/engine"
)

func testPod() map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "p", "namespace": "ns"},
		"spec":     map[string]any{"serviceAccountName": "default"},
	}
}

func TestNewRequestOperation(t *testing.T) {
	pod := testPod()
	tests := []struct {
		name        string
		vars        map[string]any
		op          engine.Operation
		object, old bool
	}{
		{"default is CREATE", nil, engine.OperationCreate, true, false},
		{"UPDATE keeps the object as old object", map[string]any{"request.operation": "UPDATE"}, engine.OperationUpdate, true, true},
		{"DELETE moves the object to old object", map[string]any{"request.operation": "DELETE"}, engine.OperationDelete, false, true},
		{"unknown operation stays CREATE", map[string]any{"request.operation": "PATCH"}, engine.OperationCreate, true, false},
		{"non-string operation is ignored", map[string]any{"request.operation": 3}, engine.OperationCreate, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(pod, tt.vars, engine.UserInfo{Username: "u"}, map[string]string{"env": "x"})
			assert.Equal(t, tt.op, req.Operation)
			assert.Equal(t, tt.object, req.Object != nil)
			assert.Equal(t, tt.old, req.OldObject != nil)
			assert.Equal(t, "u", req.UserInfo.Username)
			assert.Equal(t, map[string]string{"env": "x"}, req.NamespaceLabels)
		})
	}
}

func TestNewRequestObjectOverridesCopy(t *testing.T) {
	pod := testPod()
	vars := map[string]any{
		"request.object.spec.serviceAccountName": "busybox",
		"request.object.metadata.labels.team":    "a",
		"other":                                  "x",
	}
	req := newRequest(pod, vars, engine.UserInfo{}, nil)
	assert.Equal(t, "busybox", req.Object["spec"].(map[string]any)["serviceAccountName"])
	assert.Equal(t, "a", req.Object["metadata"].(map[string]any)["labels"].(map[string]any)["team"])
	assert.Equal(t, "default", pod["spec"].(map[string]any)["serviceAccountName"], "the loaded object is not written")
	assert.NotContains(t, pod["metadata"].(map[string]any), "labels")
	assert.Equal(t, vars, req.Variables)
}

func TestFoldVariables(t *testing.T) {
	given := map[string]any{"whole": "x"}
	tests := []struct {
		name string
		vars map[string]any
		want map[string]any
	}{
		{"nothing to fold", map[string]any{"a": 1, "request.operation": "UPDATE"}, map[string]any{"a": 1, "request.operation": "UPDATE"}},
		{"entry data under its name", map[string]any{"cm.data.key": "v", "cm.data.other": "w", "request.namespace": "ns"},
			map[string]any{"cm": map[string]any{"data": map[string]any{"key": "v", "other": "w"}}, "request.namespace": "ns"}},
		{"document roots stay dotted", map[string]any{"images.containers.c.tag": "x", "element.name": "e"},
			map[string]any{"images.containers.c.tag": "x", "element.name": "e"}},
		{"a whole value is extended, not written", map[string]any{"entry": given, "entry.more": 2},
			map[string]any{"entry": map[string]any{"whole": "x", "more": 2}}},
		{"deeper paths win", map[string]any{"a.b": "flat", "a.b.c": "deep"}, map[string]any{"a": map[string]any{"b": map[string]any{"c": "deep"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, foldVariables(tt.vars))
		})
	}
	assert.Equal(t, map[string]any{"whole": "x"}, given, "given maps are not written")
}

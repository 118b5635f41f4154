package policy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/manifest"
)

func TestDecodeResources(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		wantKeys []string // metadata.name of each object, in order
		wantErrs []string
	}{
		{name: "documents in file order", data: "---\nkind: Pod\nmetadata: {name: a}\n---\n# empty\n---\nkind: Pod\nmetadata:\n  name: b\n",
			wantKeys: []string{"a", "b"}},
		{name: "lists are flattened", data: "kind: PodList\nitems:\n- metadata: {name: a}\n- metadata: {name: b}\n- 3\n",
			wantKeys: []string{"a", "b"}},
		{name: "JSON", data: "{\"kind\": \"Pod\",\n \"metadata\": {\"name\": \"a\"}}\n", wantKeys: []string{"a"}},
		{name: "null document", data: "~\n---\nmetadata: {name: a}\n", wantKeys: []string{"a"}},
		{name: "bad documents do not stop the others",
			data:     "metadata: {name: a}\n---\nmetadata:\n  name: b\n  labels: x: y\n---\n- 1\n---\nmetadata: {name: c}\nmetadata: {}\n---\nmetadata: {name: d}\n",
			wantKeys: []string{"a", "d"},
			wantErrs: []string{
				"r.yaml document 2: malformed YAML: yaml: line 3: mapping values are not allowed in this context (the document starts at line 3 of the file)",
				"r.yaml document 3: not a Kubernetes object: a []interface {} (the document starts at line 7 of the file)",
				`r.yaml document 4: line 2: key "metadata" already set (the document starts at line 9 of the file)`,
			}},
		{name: "bad separator", data: "metadata: {name: a}\n--- x\n",
			wantErrs: []string{`r.yaml: reading YAML: document 1: line 2: invalid YAML document separator "x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, errs := DecodeResources(t.Context(), manifest.Limits{}, "r.yaml", []byte(tt.data))
			var names []string
			for _, o := range objs {
				names = append(names, o["metadata"].(map[string]any)["name"].(string))
			}
			assert.Equal(t, tt.wantKeys, names)
			var texts []string
			for _, e := range errs {
				texts = append(texts, e.Error())
			}
			assert.Equal(t, tt.wantErrs, texts)
		})
	}
}

func TestLoadResourcesNumbersAndOrder(t *testing.T) {
	dir := t.TempDir()
	var stream []byte
	for i := range 50 {
		if i > 0 {
			stream = append(stream, "---\n"...)
		}
		stream = append(stream, "kind: Pod\nspec: {replicas: 3, ratio: 0.5, big: 0x10}\nmetadata:\n  name: p"...)
		stream = append(stream, byte('a'+i%26), byte('a'+i/26), '\n')
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pods.yaml"), stream, 0o600))
	objs, errs := LoadResources(t.Context(), manifest.Limits{}, dir)
	require.Empty(t, errs)
	require.Len(t, objs, 50)
	for i, o := range objs {
		assert.Equal(t, string([]byte{'p', byte('a' + i%26), byte('a' + i/26)}), o["metadata"].(map[string]any)["name"])
		assert.Equal(t, map[string]any{"replicas": int64(3), "ratio": 0.5, "big": int64(16)}, o["spec"])
	}
}

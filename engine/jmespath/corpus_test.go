package jmespath

import (
	"testing"
)

// TestCorpusExpressions runs expressions taken from the Kyverno policy corpus
// (after the variables package has substituted nested {{ }}).
func TestCorpusExpressions(t *testing.T) {
	pod := map[string]any{"request": map[string]any{
		"object": map[string]any{
			"metadata": map[string]any{"name": "p", "annotations": map[string]any{"fluxcd.io/a": "1", "other": "2"}},
			"spec": map[string]any{
				"duration": "2160h",
				"volumes": []any{
					map[string]any{"name": "a", "persistentVolumeClaim": map[string]any{}},
					map[string]any{"name": "b", "emptyDir": map[string]any{}},
				},
				"containers": []any{map[string]any{"image": "nginx:1.25", "securityContext": map[string]any{
					"capabilities": map[string]any{"drop": []any{"all"}},
				}}},
			},
		},
		"userInfo": map[string]any{"groups": []any{"system:masters", "devs"}},
	}}
	element := map[string]any{"element": map[string]any{"name": "c"}}
	runCases(t, testInterpreter(), []fnCase{
		{name: "cert-manager limit duration", data: pod,
			expr: "max( [ to_number(regex_replace_all('h.*',request.object.spec.duration,'')), to_number('2400') ] )",
			want: 2400.0},
		{name: "owner references absent", data: pod,
			expr: "request.object.metadata.keys(@).contains(@, 'ownerReferences') && request.object.metadata.ownerReferences[0].uid",
			want: false},
		{name: "capabilities upper", data: pod,
			expr: "request.object.spec.containers[].securityContext.capabilities.drop[].to_upper(@) || `[]`", want: []any{"ALL"}},
		{name: "capabilities missing default", data: element,
			expr: "element.securityContext.capabilities.drop[].to_upper(@) || `[]`", want: []any{}},
		{name: "volume keys", data: pod, expr: "request.object.spec.volumes[].keys(@)[] || ''",
			want: []any{"name", "persistentVolumeClaim", "emptyDir", "name"}},
		{name: "pvc count", data: pod,
			expr: "request.object.spec.volumes[?contains(keys(@), 'persistentVolumeClaim')] | length(@)", want: 1.0},
		{name: "groups without colon", data: pod,
			expr: "request.userInfo.groups[?contains(@,':') == `false`][].join('-', [@, '*'])", want: []any{"devs-*"}},
		{name: "flux annotations", data: pod,
			expr: "request.object.metadata.annotations.keys(@)[?contains(@, 'fluxcd.io/')]", want: []any{"fluxcd.io/a"}},
		{name: "image tag", data: pod, expr: "request.object.spec.containers[0].image.split(@,':')[1]", want: "1.25"},
		{name: "missing labels errors like kyverno", data: pod, expr: "request.object.metadata.labels.app",
			wantErr: `Unknown key "labels" in path`},
	})
}

package celmutate

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/engine/cel"
)

func decode(t testing.TB, doc string) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &out))
	n, err := normalizeForTest(out)
	require.NoError(t, err)
	return n
}

// normalizeForTest gives YAML numbers the engine's types (int64, float64).
func normalizeForTest(m map[string]any) (map[string]any, error) {
	data, err := yaml.Marshal(m)
	if err != nil {
		return nil, err
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	return decodeObject(j)
}

func compile(t testing.TB, muts ...cel.Mutation) *cel.MutationProgram {
	t.Helper()
	c, err := cel.NewCompiler(cel.WithKyvernoLibraries())
	require.NoError(t, err)
	p, err := c.CompileMutations(nil, muts)
	require.NoError(t, err)
	return p
}

const pod = `
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: app
    image: nginx
    ports: [{containerPort: 80}]
  - name: sidecar
    image: envoy
  tolerations:
  - key: a
    operator: Exists
`

func TestRunApplyConfiguration(t *testing.T) {
	tests := []struct {
		name, expr, resource, want string
	}{{
		name:     "merges containers by name, keeps other fields",
		expr:     `Object{spec: Object.spec{containers: [Object.spec.containers{name: "app", imagePullPolicy: "Always"}]}}`,
		resource: pod,
		want: `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - {name: app, image: nginx, imagePullPolicy: Always, ports: [{containerPort: 80}]}
  - {name: sidecar, image: envoy}
  tolerations: [{key: a, operator: Exists}]
`,
	}, {
		name:     "appends a container with a new key",
		expr:     `Object{spec: Object.spec{containers: [Object.spec.containers{name: "log", image: "busybox"}]}}`,
		resource: pod,
		want: `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80}]}
  - {name: sidecar, image: envoy}
  - {name: log, image: busybox}
  tolerations: [{key: a, operator: Exists}]
`,
	}, {
		name:     "replaces an atomic list whole",
		expr:     `Object{spec: Object.spec{tolerations: [Object.spec.tolerations{key: "b", operator: "Exists"}]}}`,
		resource: pod,
		want: `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80}]}
  - {name: sidecar, image: envoy}
  tolerations: [{key: b, operator: Exists}]
`,
	}, {
		name:     "merges map entries",
		expr:     `Object{metadata: Object.metadata{labels: {"team": "a"}}}`,
		resource: pod,
		want: `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web, team: a}}
spec:
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80}]}
  - {name: sidecar, image: envoy}
  tolerations: [{key: a, operator: Exists}]
`,
	}, {
		name: "reads the object it patches",
		expr: `Object{metadata: Object.metadata{labels: {"first": object.spec.containers[0].name}}}`,
		resource: `
apiVersion: v1
kind: Pod
metadata: {name: c}
spec: {containers: [{name: x}]}
`,
		want: `
apiVersion: v1
kind: Pod
metadata: {name: c, labels: {first: x}}
spec: {containers: [{name: x}]}
`,
	}, {
		name:     "a null field is no removal: the field stays",
		expr:     `Object{metadata: Object.metadata{labels: null}, spec: Object.spec{containers: [Object.spec.containers{name: "app", ports: null}]}}`,
		resource: pod,
		want:     pod,
	}, {
		name:     "a null map entry sets the entry to null",
		expr:     `Object{metadata: Object.metadata{labels: {"app": null}}}`,
		resource: pod,
		want: `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: null}}
spec:
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80}]}
  - {name: sidecar, image: envoy}
  tolerations: [{key: a, operator: Exists}]
`,
	}, {
		name:     "an empty atomic list replaces the list",
		expr:     `Object{spec: Object.spec{tolerations: []}}`,
		resource: pod,
		want: `
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - {name: app, image: nginx, ports: [{containerPort: 80}]}
  - {name: sidecar, image: envoy}
  tolerations: []
`,
	}, {
		name: "the object is not validated beforehand: a wrongly typed field the patch sets is replaced",
		expr: `Object{spec: Object.spec{containers: [Object.spec.containers{name: "app", image: "x"}]}}`,
		resource: `
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: {name: app}}
`,
		want: `
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: app, image: x}]}
`,
	}, {
		name:     "fields of an Object literal can be read",
		expr:     `Object{metadata: Object.metadata{labels: {"read": string(Object.metadata{name: "x"}.name), "set": string(has(Object.metadata{name: "x"}.name))}}}`,
		resource: `{apiVersion: v1, kind: Pod, metadata: {name: p}}`,
		want:     `{apiVersion: v1, kind: Pod, metadata: {name: p, labels: {read: x, set: "true"}}}`,
	}, {
		name: "custom kind: deduced schema replaces lists, merges maps",
		expr: `Object{spec: Object.spec{items: ["c"], settings: {"b": "2"}}}`,
		resource: `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {items: [a, b], settings: {a: "1"}}
`,
		want: `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: {items: [c], settings: {a: "1", b: "2"}}
`,
	}}
	conv := NewConverters()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog := compile(t, cel.Mutation{Type: cel.PatchTypeApplyConfiguration, Expression: tt.expr})
			obj := decode(t, tt.resource)
			got, err := Run(context.Background(), prog, cel.Input{Object: obj}, conv)
			require.NoError(t, err)
			assert.Equal(t, decode(t, tt.want), got)
			assert.Equal(t, decode(t, tt.resource), obj, "the input object must not change")
		})
	}
}

func TestRunJSONPatch(t *testing.T) {
	cm := `
apiVersion: v1
kind: ConfigMap
metadata: {name: c, labels: {a: "1"}}
data: {k: v}
`
	tests := []struct {
		name, expr, want, err string
	}{{
		name: "add with escaped key",
		expr: `[JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("example.com/a~b"), value: "x"}]`,
		want: `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: {a: "1", "example.com/a~b": x}}, data: {k: v}}`,
	}, {
		name: "replace and remove",
		expr: `[JSONPatch{op: "replace", path: "/data/k", value: "w"}, JSONPatch{op: "remove", path: "/metadata/labels/a"}]`,
		want: `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: {}}, data: {k: w}}`,
	}, {
		name: "object value and number",
		expr: `[JSONPatch{op: "add", path: "/spec", value: Object.spec{replicas: 3, selector: {"a": "b"}}}]`,
		want: `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: {a: "1"}}, data: {k: v}, spec: {replicas: 3, selector: {a: b}}}`,
	}, {
		name: "failed test leaves the object",
		expr: `[JSONPatch{op: "test", path: "/data/k", value: "other"}, JSONPatch{op: "remove", path: "/data"}]`,
		want: cm,
	}, {
		name: "passed test applies the rest",
		expr: `[JSONPatch{op: "test", path: "/data/k", value: "v"}, JSONPatch{op: "remove", path: "/data"}]`,
		want: `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: {a: "1"}}}`,
	}, {
		name: "missing path is an error naming the mutation",
		expr: `[JSONPatch{op: "replace", path: "/nothing/here", value: "w"}]`,
		err:  "mutations[0]: jsonPatch:",
	}, {
		name: "test without a value is an error, never a panic",
		expr: `[JSONPatch{op: "test", path: "/data/k"}]`,
		err:  `mutations[0]: jsonPatch[0]: op "test" requires a value`,
	}, {
		name: "move without from is an error",
		expr: `[JSONPatch{op: "move", path: "/data/k"}]`,
		err:  `mutations[0]: jsonPatch[0]: op "move" requires from`,
	}, {
		name: "unknown op is an error",
		expr: `[JSONPatch{op: "frob", path: "/data"}]`,
		err:  `mutations[0]: jsonPatch[0]: unknown op "frob"`,
	}}
	conv := NewConverters()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog := compile(t, cel.Mutation{Type: cel.PatchTypeJSONPatch, Expression: tt.expr})
			got, err := Run(context.Background(), prog, cel.Input{Object: decode(t, cm)}, conv)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, decode(t, tt.want), got)
		})
	}
}

func TestRunMutationsInOrder(t *testing.T) {
	prog := compile(t,
		cel.Mutation{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{metadata: Object.metadata{labels: {"step": "1"}}}`},
		cel.Mutation{Type: cel.PatchTypeJSONPatch, Expression: `[JSONPatch{op: "add", path: "/metadata/labels/seen", value: object.metadata.labels.step}]`},
		cel.Mutation{Type: cel.PatchTypeApplyConfiguration, Expression: `object.metadata.labels.seen == "1" ? Object{metadata: Object.metadata{labels: {"last": "yes"}}} : Object{}`},
	)
	got, err := Run(context.Background(), prog, cel.Input{Object: decode(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}`)}, NewConverters())
	require.NoError(t, err)
	assert.Equal(t, decode(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, labels: {step: "1", seen: "1", last: "yes"}}}`), got)
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		muts []cel.Mutation
		obj  string // the object; the two-container Pod when empty
		err  string
	}{{
		name: "evaluation error names the mutation",
		muts: []cel.Mutation{
			{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{}`},
			{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{metadata: Object.metadata{name: object.missing.field}}`},
		},
		err: "mutations[1]: expression 'Object{metadata: Object.metadata{name: object.missing.field}}' resulted in error",
	}, {
		name: "Object type names must follow field names",
		muts: []cel.Mutation{{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{spec: Object.wrong{}}`}},
		err:  `mutations[0]: applyConfiguration: spec: type mismatch: unexpected type name "Object.wrong", expected "Object.spec"`,
	}, {
		name: "Object type names in lists follow the list's field",
		muts: []cel.Mutation{{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{spec: Object.spec{containers: [Object.spec{}]}}`}},
		err:  `mutations[0]: applyConfiguration: spec: containers: [0]: type mismatch: unexpected type name "Object.spec", expected "Object.spec.containers"`,
	}, {
		name: "Object type names of a JSONPatch value are checked from their own root",
		muts: []cel.Mutation{{Type: cel.PatchTypeJSONPatch, Expression: `[JSONPatch{op: "add", path: "/spec", value: Object.spec{template: Object.wrong{}}}]`}},
		err:  `mutations[0]: jsonPatch[0].value: template: type mismatch: unexpected type name "Object.wrong", expected "Object.spec.template"`,
	}, {
		name: "object with a field its kind does not have",
		muts: []cel.Mutation{{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{metadata: Object.metadata{labels: {"a": "b"}}}`}},
		obj:  `{apiVersion: v1, kind: Pod, metadata: {name: p, unknown: x}}`,
		err:  "mutations[0]: applyConfiguration: object does not fit the schema of Pod",
	}, {
		name: "patch that does not fit the schema",
		muts: []cel.Mutation{{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{spec: Object.spec{containers: "x"}}`}},
		err:  "mutations[0]: applyConfiguration: patch does not fit the schema of Pod",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := pod
			if tt.obj != "" {
				obj = tt.obj
			}
			_, err := Run(context.Background(), compile(t, tt.muts...), cel.Input{Object: decode(t, obj)}, NewConverters())
			require.ErrorContains(t, err, tt.err)
		})
	}
}

func TestCompileMutationsErrors(t *testing.T) {
	c, err := cel.NewCompiler(cel.WithKyvernoLibraries())
	require.NoError(t, err)
	tests := []struct {
		name string
		muts []cel.Mutation
		err  string
	}{
		{"none", nil, "mutations: at least one mutation is required"},
		{"wrong type for ApplyConfiguration", []cel.Mutation{{Type: cel.PatchTypeApplyConfiguration, Expression: `"x"`}},
			"mutations[0].applyConfiguration.expression: compilation failed: must evaluate to Object"},
		{"wrong type for JSONPatch", []cel.Mutation{{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{}`},
			{Type: cel.PatchTypeJSONPatch, Expression: `Object{}`}}, "mutations[1].jsonPatch.expression: compilation failed"},
		{"syntax", []cel.Mutation{{Type: cel.PatchTypeJSONPatch, Expression: `[JSONPatch{`}}, "mutations[0].jsonPatch.expression: compilation failed"},
		{"empty", []cel.Mutation{{Type: cel.PatchTypeJSONPatch}}, "mutations[0].jsonPatch.expression: an expression is required"},
		{"bad patch type", []cel.Mutation{{Type: "Strategic", Expression: "Object{}"}}, `patchType "Strategic" is not ApplyConfiguration or JSONPatch`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CompileMutations(nil, tt.muts)
			require.ErrorContains(t, err, tt.err)
		})
	}
}

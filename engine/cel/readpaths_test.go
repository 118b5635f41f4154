package cel

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// TestReadPaths: the parts of the inputs a rule reads, as root/field/... paths.
func TestReadPaths(t *testing.T) {
	c := newCompiler(t)
	for _, tt := range []struct {
		expr string
		want []string
	}{
		{"object.spec.containers.all(c, c.name != '')", []string{"object/spec/containers/*/name"}},
		{"object.spec.containers.all(c, true)", []string{"object/spec/containers#len"}},
		{"object.spec.containers.all(c, size(c) > 0 && c.name != '')", []string{"object/spec/containers/*"}},
		{"has(object.spec.initContainers) ? object.spec.initContainers.size() > 0 : true", []string{"object/spec/initContainers"}},
		{"has(object.metadata) && has(object.spec.x)", nil},
		{"object.spec.?securityContext.?seccompProfile.orValue({}) == {}", []string{"object/spec/securityContext/seccompProfile"}},
		{"object.spec.containers[0].name == 'a' && object.spec.containers.size() > 0", []string{"object/spec/containers"}},
		{"object.spec.x == 1 && object.spec == {} && object.spec.y.z == 2", []string{"object/spec"}},
		{"object == oldObject", []string{"object", "oldObject"}},
		{"object['spec'].x == 1", []string{"object"}},
		{"request.operation == 'CREATE' && request.userInfo.username != ''", []string{"request/operation", "request/userInfo/username"}},
		{"(object.spec.containers.exists(c, c.name == 'a') ? object.spec : {}) == {}", []string{"object/spec"}},
		{"variables.containers.all(c, c.image != '')", []string{"object/spec/containers/*/image", "object/spec/initContainers/*/image"}},
		{"(has(object.spec.a) ? object.spec.a : object.spec.?b.orValue([])).all(x, x.?p.?q.orValue(0) == 0)", []string{"object/spec/a/*/p/q", "object/spec/b/*/p/q"}},
		{"object.spec.containers.all(c, c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0))", []string{"object/spec/containers/*/ports/*/hostPort"}},
		{"object.spec.containers.filter(c, c.name != '').all(c, c.image != '')", []string{"object/spec/containers/*"}},
		{"object.spec.containers.map(c, c.image).all(i, i != '')", []string{"object/spec/containers/*/image"}},
		{"object.spec.containers.all(i, c, c.name != '')", []string{"object/spec/containers"}},
		{"'a' in object.spec.names", []string{"object/spec/names"}},
		{"object.spec.containers.all(c, object.spec.volumes.all(v, v.name != c.name))", []string{"object/spec/containers/*/name", "object/spec/volumes/*/name"}},
		{"object.spec.containers.all(c, c.all(c, c != ''))", []string{"object/spec/containers/*/*"}},
		{"[object.spec].all(object, object.name != '')", []string{"object/spec"}},
		{"object.spec.a.all(x, x.b.all(y, y.c.all(z, z.d.all(w, w.e.all(v, v.f != '')))))", []string{"object/spec/a/*/b/*/c/*/d/*/e"}},
	} {
		t.Run(tt.expr, func(t *testing.T) {
			spec := &v1alpha1.CEL{Expressions: exprs(tt.expr, "", "")}
			if strings.Contains(tt.expr, "variables.") {
				spec.Variables = vars("containers", "object.spec.containers + object.spec.?initContainers.orValue([])")
			}
			p, err := c.Compile(spec)
			require.NoError(t, err)
			var got []string
			for _, path := range p.cost.paths {
				got = append(got, pathString(path))
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

// pathString renders a path as root/field/*/field, with #len when only a list's length is observed.
func pathString(p readPath) string {
	names := map[rootSet]string{rootObject: varObject, rootOldObject: varOldObject, rootRequest: varRequest,
		rootNamespace: varNamespace, rootParams: varParams}
	parts := []string{names[p.root]}
	for _, s := range p.steps {
		if s.each {
			parts = append(parts, "*")
		} else {
			parts = append(parts, s.field)
		}
	}
	out := strings.Join(parts, "/")
	if p.lenOnly {
		out += "#len"
	}
	return out
}

// TestCostModelMeasuresReadParts: a string no rule reads (a large annotation) does not keep a rule from its
// untracked programs; the same string where the rule reads does; the sizes agree on plain and prepared inputs.
func TestCostModelMeasuresReadParts(t *testing.T) {
	c := newCompiler(t)
	p, err := c.Compile(&v1alpha1.CEL{Expressions: exprs("object.spec.containers.all(c, c.image.contains('nginx'))", "", "")})
	require.NoError(t, err)
	huge := strings.Repeat("x", 1<<23)
	for _, tt := range []struct {
		name  string
		edit  func(pod map[string]any)
		allow bool
	}{
		{"small", func(map[string]any) {}, true},
		{"large annotation", func(pod map[string]any) {
			pod["metadata"].(map[string]any)["annotations"] = map[string]any{"last-applied": huge}
		}, true},
		{"large image", func(pod map[string]any) {
			pod["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["image"] = huge
		}, false},
		{"large env, not read", func(pod map[string]any) {
			pod["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["env"] = []any{huge}
		}, true},
		{"many containers", func(pod map[string]any) {
			many := make([]any, 70000)
			for i := range many {
				many[i] = map[string]any{"image": "nginx"}
			}
			pod["spec"].(map[string]any)["containers"] = many
		}, false},
		{"containers not a list", func(pod map[string]any) {
			pod["spec"].(map[string]any)["containers"] = map[string]any{"x": huge}
		}, false},
		{"spec not an object", func(pod map[string]any) { pod["spec"] = []any{huge} }, false},
		{"no spec", func(pod map[string]any) { delete(pod, "spec") }, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pod := obj(t, testPod)
			tt.edit(pod)
			in := Input{Object: pod}
			prepared := in.Prepare()
			assert.Equal(t, tt.allow, p.cost.allows(&in), "plain")
			assert.Equal(t, tt.allow, p.cost.allows(&prepared), "prepared")
			assert.Equal(t, tt.allow, p.cost.allows(&prepared), "prepared, measured before")
			if tt.name == "many containers" {
				return // cost tracking takes seconds on so long a list
			}
			want := p.evaluate(context.Background(), in, false)
			assert.Equal(t, want, p.Evaluate(context.Background(), prepared))
		})
	}
}

// TestModelSizesShareSlot: two cost models in one slot of a prepared input each keep their own decision.
func TestModelSizesShareSlot(t *testing.T) {
	c := newCompiler(t)
	compile := func(expr string) *Program {
		p, err := c.Compile(&v1alpha1.CEL{Expressions: exprs(expr, "", "")})
		require.NoError(t, err)
		return p
	}
	small := compile("object.metadata.name.size() < 10")
	large := compile("object.metadata.labels.app.size() < 10")
	large.cost.slot = small.cost.slot + modelSlots
	pod := obj(t, testPod)
	pod["metadata"].(map[string]any)["labels"] = map[string]any{"app": strings.Repeat("x", 1<<23)}
	in := Input{Object: pod}.Prepare()
	for range 2 {
		assert.True(t, small.cost.allows(&in))
		assert.False(t, large.cost.allows(&in))
	}
	_, inMemo := in.prepared.decisions.load(&large.cost)
	assert.True(t, inMemo)
}

// TestCoarsePaths: coarse paths stop after the first field selected in list elements.
func TestCoarsePaths(t *testing.T) {
	c := newCompiler(t)
	p, err := c.Compile(&v1alpha1.CEL{Expressions: exprs(
		"object.spec.containers.all(c, c.name != '') && object.spec.volumes.all(v, true) && "+
			"object.spec.initContainers.all(c, c.name != '') && object.spec.?initContainers.orValue([]).size() > 0 && "+
			"object.spec.ephemeralContainers.all(c, c.securityContext.privileged == false) && "+
			"object.metadata.name != ''", "", "")})
	require.NoError(t, err)
	var got []string
	for _, path := range p.cost.coarse {
		got = append(got, pathString(path))
	}
	assert.ElementsMatch(t, []string{"object/spec/containers/*/name", "object/spec/volumes#len",
		"object/spec/initContainers", "object/spec/ephemeralContainers/*/securityContext", "object/metadata/name"}, got)
}

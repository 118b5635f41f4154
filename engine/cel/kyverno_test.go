package cel

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/http"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/resource"
)

// fakeContext serves image data and ConfigMaps; it records the resource queries.
type fakeContext struct {
	images  map[string]map[string]any
	queries []resource.Query
}

func (f *fakeContext) GetResource(_ context.Context, q resource.Query) (map[string]any, error) {
	f.queries = append(f.queries, q)
	return map[string]any{"data": map[string]any{"ns": q.Namespace}}, nil
}

func (f *fakeContext) ListResources(context.Context, resource.Query) (map[string]any, error) {
	return nil, errors.New("not served")
}

func (f *fakeContext) PostResource(context.Context, resource.Query, map[string]any) (map[string]any, error) {
	return nil, errors.New("not served")
}

func (f *fakeContext) HTTPGet(context.Context, http.Request) (any, error) {
	return map[string]any{"ok": true}, nil
}

func (f *fakeContext) HTTPPost(context.Context, http.Request) (any, error) {
	return nil, errors.New("not served")
}

func (f *fakeContext) GlobalContext(context.Context, string, string) (any, error) {
	return nil, errors.New("none")
}

func (f *fakeContext) ImageData(_ context.Context, ref string) (map[string]any, error) {
	if d, ok := f.images[ref]; ok {
		return d, nil
	}
	return nil, errors.New(ref + ": not found")
}

// staleImages is the rule of the corpus's block-stale-images ValidatingPolicy.
func staleImages() *v1alpha1.CEL {
	return &v1alpha1.CEL{
		Variables: []admissionregistrationv1.Variable{
			{Name: "allContainers", Expression: `object.spec.containers + object.spec.?initContainers.orValue([])`},
			{Name: "maxAgeDuration", Expression: `duration("4380h")`},
			{Name: "cutoff", Expression: `time.now() - variables.maxAgeDuration`},
		},
		Expressions: []admissionregistrationv1.Validation{{Expression: `variables.allContainers.all(container,
			!has(image.GetMetadata(container.image).config.created) ||
			timestamp(image.GetMetadata(container.image).config.created) >= variables.cutoff)`}},
	}
}

func pod(images ...string) map[string]any {
	var cs []any
	for _, img := range images {
		cs = append(cs, map[string]any{"name": img, "image": img})
	}
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "spec": map[string]any{"containers": cs}}
}

func TestKyvernoLibrariesCorpusExpression(t *testing.T) {
	c, err := NewCompiler(WithKyvernoLibraries())
	require.NoError(t, err)
	prog, err := c.Compile(staleImages())
	require.NoError(t, err)
	fc := &fakeContext{images: map[string]map[string]any{
		"old:1":  {"config": map[string]any{"created": "2019-01-01T00:00:00Z"}},
		"new:1":  {"config": map[string]any{"created": "2099-01-01T00:00:00Z"}},
		"bare:1": {"config": map[string]any{}},
	}}
	tests := []struct {
		name   string
		images []string
		ctx    Context
		want   Status
		msg    string
	}{
		{"recent image", []string{"new:1", "bare:1"}, fc, StatusPass, ""},
		{"stale image", []string{"new:1", "old:1"}, fc, StatusFail, "failed expression"},
		{"registry error", []string{"missing:1"}, fc, StatusError, "failed to get image data: missing:1: not found"},
		{"no context bound", []string{"new:1"}, nil, StatusError, "failed to get image data: no source of outside data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := prog.Evaluate(context.Background(), Input{Object: pod(tt.images...), Context: tt.ctx})
			assert.Equal(t, tt.want, res.Status, res.Message)
			assert.Contains(t, res.Message, tt.msg)
		})
	}
}

func TestKyvernoLibrariesAreOffForClusterPolicies(t *testing.T) {
	c, err := NewCompiler()
	require.NoError(t, err)
	_, err = c.Compile(staleImages())
	require.ErrorIs(t, err, ErrCompile)
	assert.Contains(t, err.Error(), "undeclared reference to 'time'")
}

func TestKyvernoNamespacedRules(t *testing.T) {
	c, err := NewCompiler(WithKyvernoLibraries(), WithHTTPHosts("api.example.com"))
	require.NoError(t, err)
	rule := func(expr string) *v1alpha1.CEL {
		return &v1alpha1.CEL{Expressions: []admissionregistrationv1.Validation{{Expression: expr}}}
	}
	_, err = c.Compile(rule(`http.Get("https://api.example.com/").ok == true`), WithNamespace("team-a"))
	require.ErrorIs(t, err, ErrCompile)
	assert.Contains(t, err.Error(), "http is not available to namespaced policies")
	_, err = c.Compile(rule(`resource.Get("v1", "configmaps", "other", "cm").data.ns == "x"`), WithNamespace("team-a"))
	require.ErrorIs(t, err, ErrCompile, "the namespace argument does not exist for namespaced policies")

	prog, err := c.Compile(rule(`resource.Get("v1", "configmaps", "cm").data.ns == "team-a"`), WithNamespace("team-a"))
	require.NoError(t, err)
	fc := &fakeContext{}
	res := prog.Evaluate(context.Background(), Input{Object: pod("a"), Context: fc})
	assert.Equal(t, StatusPass, res.Status, res.Message)
	assert.Equal(t, []resource.Query{{APIVersion: "v1", Resource: "configmaps", Namespace: "team-a", Name: "cm"}}, fc.queries)

	cluster, err := c.Compile(rule(`http.Get("https://api.example.com/").ok == true`))
	require.NoError(t, err)
	assert.Equal(t, StatusPass, cluster.Evaluate(context.Background(), Input{Object: pod("a"), Context: fc}).Status)
}

func TestKyvernoPreconditionsBindLibraries(t *testing.T) {
	c, err := NewCompiler(WithKyvernoLibraries())
	require.NoError(t, err)
	pre, err := c.CompilePreconditions([]admissionregistrationv1.MatchCondition{
		{Name: "cm", Expression: `resource.Get("v1", "configmaps", "cm").data.ns == "team-b"`}}, WithNamespace("team-b"))
	require.NoError(t, err)
	ok, err := pre.Match(context.Background(), Input{Object: pod("a"), Context: &fakeContext{}})
	require.NoError(t, err)
	assert.True(t, ok)
}

// A variable reading a context-bound library must not be shared between rules of different policies: the
// namespaced policies of two namespaces read different ConfigMaps with the same expression.
func TestKyvernoLibraryVariablesAreNotShared(t *testing.T) {
	c, err := NewCompiler(WithKyvernoLibraries())
	require.NoError(t, err)
	spec := &v1alpha1.CEL{
		Variables:   []admissionregistrationv1.Variable{{Name: "cm", Expression: `resource.Get("v1", "configmaps", "cm")`}},
		Expressions: []admissionregistrationv1.Validation{{Expression: `variables.cm.data.ns == "team-b"`}},
	}
	progA, err := c.Compile(spec, WithNamespace("team-a"))
	require.NoError(t, err)
	progB, err := c.Compile(spec, WithNamespace("team-b"))
	require.NoError(t, err)
	in := Input{Object: pod("a"), Context: &fakeContext{}}.Prepare()
	assert.Equal(t, StatusFail, progA.Evaluate(context.Background(), in).Status)
	assert.Equal(t, StatusPass, progB.Evaluate(context.Background(), in).Status)
}

// A library call on a huge input is charged by its size: the per-expression limit stops it, whatever the path.
func TestKyvernoLibraryCostLimit(t *testing.T) {
	c, err := NewCompiler(WithKyvernoLibraries())
	require.NoError(t, err)
	prog, err := c.Compile(&v1alpha1.CEL{Expressions: []admissionregistrationv1.Validation{
		{Expression: `object.data.all(k, v, sha256(v) != "" && sha256(v + v) != "")`}}})
	require.NoError(t, err)
	data := map[string]any{}
	for i := range 40 {
		data[strings.Repeat("k", i+1)] = strings.Repeat("x", 1<<20)
	}
	res := prog.Evaluate(context.Background(), Input{Object: map[string]any{"data": data}})
	assert.Equal(t, StatusError, res.Status)
	assert.Contains(t, res.Message, "cost")

	small := prog.Evaluate(context.Background(), Input{Object: map[string]any{"data": map[string]any{"a": "b"}}})
	assert.Equal(t, StatusPass, small.Status, small.Message)
	assert.NotEmpty(t, prog.cost.strLimits, "a rule of bounded library calls keeps its untracked programs")
}

func TestKyvernoUnmeasuredResultsAlwaysTrackCost(t *testing.T) {
	c, err := NewCompiler(WithKyvernoLibraries())
	require.NoError(t, err)
	prog, err := c.Compile(&v1alpha1.CEL{Expressions: []admissionregistrationv1.Validation{
		{Expression: `json.unmarshal(object.data.doc).items.all(i, i.size() < 10)`}}})
	require.NoError(t, err)
	assert.Empty(t, prog.cost.strLimits, "the decoded list is not measured, so cost is always tracked")
	items := strings.Repeat(`"xxxxxxxx",`, 400000)
	doc := `{"items": [` + items + `"x"]}`
	res := prog.Evaluate(context.Background(), Input{Object: map[string]any{"data": map[string]any{"doc": doc}}})
	assert.Equal(t, StatusError, res.Status, "a 4 MB document of 400,000 items exceeds the limit")
}

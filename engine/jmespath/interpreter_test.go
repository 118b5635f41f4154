package jmespath

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompileErrors(t *testing.T) {
	jp := testInterpreter()
	cases := []struct {
		name, expr, want string
	}{
		{"syntax", "foo.[", `jmespath: compile "foo.[": `},
		{"unknown function", "nope(@)", "unknown function: nope()"},
		{"unknown nested function", "a[?nope(@)].b", "unknown function: nope()"},
		{"too few arguments", "add(`1`)", "function add() expects at least 2 arguments, got 1"},
		{"too many arguments", "to_upper('a', 'b')", "function to_upper() expects at most 1 arguments, got 2"},
		{"arguments to a nullary function", "time_now('x')", "function time_now() takes no arguments, got 1"},
		{"kyverno items arity", "items(@)", "function items() expects at least 3 arguments, got 1"},
		{"let binding without a value", "let $x in b", "let: a binding must have the form $name = expression"},
		{"second let binding without a value", "let $x = a, $y in b", "let: a binding must have"},
		{"binding outside let", "let $x = a in [c=x]", "a binding ($name = expression) is only allowed after let"},
		{"unknown function in a binding", "let $x = nope(@) in $x", "unknown function: nope()"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := jp.Compile(tc.expr)
			require.ErrorContains(t, err, tc.want)
			var ce *CompileError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.expr, ce.Expression)
		})
	}
}

func TestEvaluationSemantics(t *testing.T) {
	pod := map[string]any{
		"metadata": map[string]any{"name": "p", "labels": map[string]any{"app": "web"}},
		"spec": map[string]any{
			"replicas":       int64(3),
			"initContainers": []any{map[string]any{"name": "init", "image": "redis"}},
			"containers": []any{
				map[string]any{"name": "a", "image": "busybox", "port": 80},
				map[string]any{"name": "b", "image": "nginx", "port": int64(443)},
			},
		},
		"tags":  []string{"x", "y"},
		"annos": map[string]string{"k": "v"},
	}
	runCases(t, testInterpreter(), []fnCase{
		{name: "flatten containers", expr: "spec.[initContainers, containers][].image", data: pod, want: []any{"redis", "busybox", "nginx"}},
		{name: "projection", expr: "spec.containers[].name", data: pod, want: []any{"a", "b"}},
		{name: "missing key is not found", expr: "metadata.labels.team", data: pod, wantErr: `Unknown key "team" in path`},
		{name: "missing parent is not found", expr: "metadata.annotations.x", data: pod, wantErr: `Unknown key "annotations" in path`},
		{name: "or default", expr: "metadata.labels.team || 'none'", data: pod, want: "none"},
		{name: "and with missing", expr: "metadata.labels.team && 'x'", data: pod, want: nil},
		{name: "not of missing", expr: "!(metadata.labels.team)", data: pod, want: true},
		{name: "missing in function arg", expr: "length(metadata.labels.team || '')", data: pod, want: 0.0},
		{name: "missing in pipe", expr: "metadata.labels.team | length(@ || '')", data: pod, want: 0.0},
		{name: "null parent is null", expr: "a.b", data: map[string]any{"a": nil}, want: nil},
		{name: "field of string is null", expr: "metadata.name.x", data: pod, want: nil},
		{name: "int64 comparison", expr: "spec.replicas > `2`", data: pod, want: true},
		{name: "int equality", expr: "spec.containers[?port == `80`].name", data: pod, want: []any{"a"}},
		{name: "int64 equality", expr: "spec.replicas == `3`", data: pod, want: true},
		{name: "builtin max over ints", expr: "max(spec.containers[].port)", data: pod, want: 443.0},
		{name: "builtin sort_by over ints", expr: "sort_by(spec.containers, &port)[0].name", data: pod, want: "a"},
		{name: "builtin abs int64", expr: "abs(spec.replicas)", data: pod, want: 3.0},
		{name: "arithmetic on ints", expr: "spec.replicas * `2` + spec.containers[0].port", data: pod, want: 86.0},
		{name: "string list", expr: "tags[1]", data: pod, want: "y"},
		{name: "string map", expr: "annos.k", data: pod, want: "v"},
		{name: "string map missing", expr: "annos.z", data: pod, wantErr: `Unknown key "z"`},
		{name: "keys of string map", expr: "keys(annos)", data: pod, want: []any{"k"}},
		{name: "contains", expr: "contains(spec.containers[].image, 'nginx')", data: pod, want: true},
		{name: "filter with missing key", expr: "spec.containers[?securityContext.privileged].name", data: pod, want: []any{}},
		{name: "value projection", expr: "metadata.labels.*", data: pod, want: []any{"web"}},
		{name: "multiselect hash", expr: "{n: metadata.name, x: metadata.nope}", data: pod, want: map[string]any{"n": "p", "x": nil}},
		{name: "slice", expr: "spec.containers[1:].name", data: pod, want: []any{"b"}},
		{name: "string slice", expr: "metadata.name[0:1]", data: pod, want: "p"},
		{name: "negative index", expr: "spec.containers[-1].name", data: pod, want: "b"},
		{name: "let binding", expr: "let $n = metadata.name in spec.containers[].[name, $n]", data: pod,
			want: []any{[]any{"a", "p"}, []any{"b", "p"}}},
		{name: "undefined variable", expr: "$nope", data: pod, wantErr: "variable not defined: $nope"},
		{name: "root", expr: "spec.containers[].[name, $.metadata.name]", data: pod, want: []any{[]any{"a", "p"}, []any{"b", "p"}}},
		{name: "kyverno split replaces builtin", expr: "split('a/b', '/')", want: []any{"a", "b"}},
		{name: "function error propagates", expr: "spec.containers[].divide(`1`, `0`)", data: pod, wantErr: "Zero divisor passed"},
		{name: "literal", expr: "`{\"a\": [1, 2]}`.a[1]", want: 2.0},
	})
}

func TestNotFoundErrorType(t *testing.T) {
	q, err := testInterpreter().Compile("a.b")
	require.NoError(t, err)
	_, err = q.Search(map[string]any{"a": map[string]any{}})
	var nf NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "b", nf.Key)
	assert.Contains(t, err.Error(), `jmespath "a.b"`)
}

func TestStepBudget(t *testing.T) {
	jp := testInterpreter(WithMaxSteps(50))
	q, err := jp.Compile("[*].[*].[*]")
	require.NoError(t, err)
	list := make([]any, 100)
	_, err = q.Search(list)
	require.ErrorIs(t, err, ErrBudgetExceeded)
	small, err := jp.Compile("a")
	require.NoError(t, err)
	got, err := small.Search(map[string]any{"a": 1.0})
	require.NoError(t, err)
	assert.Equal(t, 1.0, got)
}

// TestStepBudgetUnderNullingNodes: filters, value projections and flattens turn an error on their left side into
// null, as Kyverno's interpreter does, but running out of the step budget stays an error there too.
func TestStepBudgetUnderNullingNodes(t *testing.T) {
	jp := testInterpreter(WithMaxSteps(50))
	items := make([]any, 100)
	for i := range items {
		items[i] = map[string]any{"a": map[string]any{"b": 1.0}}
	}
	doc := map[string]any{"items": items, "m": map[string]any{"x": items}}
	for _, expr := range []string{
		"items[].a[]",
		"items[*].a[]",
		"(items[*].a)[?b == `1`]",
		"{k: items[*].a}.*",
	} {
		t.Run(expr, func(t *testing.T) {
			q, err := jp.Compile(expr)
			require.NoError(t, err)
			_, err = q.Search(doc)
			require.ErrorIs(t, err, ErrBudgetExceeded)
		})
	}
	q, err := jp.Compile("items[0].a.nope.x[]")
	require.NoError(t, err)
	got, err := q.Search(doc)
	require.NoError(t, err, "a missing key under a flatten is still null")
	assert.Nil(t, got)
}

func TestFunctionsList(t *testing.T) {
	infos := testInterpreter().Functions()
	byName := map[string]FunctionInfo{}
	for _, info := range infos {
		byName[info.Name] = info
		assert.NotEmpty(t, info.Note, info.Name)
	}
	required := []string{
		"replace_all", "regex_match", "parse_yaml", "label_match", "time_now_utc", "base64_decode", "random",
		"base64_encode", "split", "regex_replace_all", "sum", "round", "time_since", "parse_json", "subtract",
		"x509_decode", "time_add", "divide", "compare", "equal_fold", "replace", "to_upper", "to_lower", "trim",
		"trim_prefix", "truncate", "semver_compare", "regex_replace_all_literal", "pattern_match",
		"path_canonicalize", "add", "multiply", "modulo", "items", "object_from_lists", "lookup", "to_boolean",
		"time_now", "time_parse", "time_to_cron", "time_utc", "time_diff", "time_before", "time_after",
		"time_between", "time_truncate", "image_normalize", "is_external_url", "sha256", "md5", "keys",
	}
	for _, name := range required {
		assert.Contains(t, byName, name)
	}
	assert.Len(t, infos, len(required))
	assert.Equal(t, "add(any, any) any", byName["add"].Signature)
	assert.Equal(t, "lookup(object|array, string|number) any", byName["lookup"].Signature)
	assert.Equal(t, "time_now() string", byName["time_now"].Signature)
	assert.IsIncreasing(t, names(infos))
}

func names(infos []FunctionInfo) []string {
	out := make([]string, len(infos))
	for n, info := range infos {
		out[n] = info.Name
	}
	return out
}

func TestConcurrentSearch(t *testing.T) {
	jp := New()
	q, err := jp.Compile("spec.containers[?regex_match('^nginx', image)].name | [0]")
	require.NoError(t, err)
	data := map[string]any{"spec": map[string]any{"containers": []any{
		map[string]any{"name": "web", "image": "nginx:1"},
	}}}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				got, err := q.Search(data)
				if err == nil && got != "web" {
					err = errors.New("unexpected result")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestCanonical(t *testing.T) {
	in := map[string]any{"a": []any{int64(1), "x"}, "b": map[string]string{"k": "v"}, "c": 2.0}
	out, changed := canonical(in)
	require.True(t, changed)
	assert.Equal(t, map[string]any{"a": []any{1.0, "x"}, "b": map[string]any{"k": "v"}, "c": 2.0}, out)
	assert.Equal(t, int64(1), in["a"].([]any)[0], "input is not modified")
	same := map[string]any{"a": []any{1.0}}
	out, changed = canonical(same)
	assert.False(t, changed)
	assert.Equal(t, same, out)
}

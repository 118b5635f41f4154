package cel

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

const testPod = `
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  containers:
  - name: web
    image: nginx:1.27
    securityContext: {privileged: false}
  - name: sidecar
    image: envoy:1.30
`

// evalCase is one rule evaluation: the rule, the input (built from testPod by edit), and the expected result.
type evalCase struct {
	name        string
	spec        *v1alpha1.CEL
	opts        []CompileOption
	edit        func(t *testing.T, in *Input)
	wantStatus  Status
	wantMessage string // exact, or a substring when wantContains
	contains    bool
	wantAnn     map[string]string
}

func TestEvaluate(t *testing.T) {
	c := newCompiler(t)
	for _, group := range [][]evalCase{messageCases(), variableCases(), inputCases(), errorCases(), annotationCases()} {
		for _, tt := range group {
			t.Run(tt.name, func(t *testing.T) { runEvalCase(t, c, tt) })
		}
	}
}

// runEvalCase evaluates the case plain, prepared and with cost tracking forced; all three must agree.
func runEvalCase(t *testing.T, c *Compiler, tt evalCase) {
	p, err := c.Compile(tt.spec, tt.opts...)
	require.NoError(t, err)
	in := Input{Object: obj(t, testPod), Request: podRequest("CREATE", "web", "shop")}
	if tt.edit != nil {
		tt.edit(t, &in)
	}
	ctx := context.Background()
	for mode, got := range map[string]Result{
		"plain":    p.Evaluate(ctx, in),
		"prepared": p.Evaluate(ctx, in.Prepare()),
		"tracked":  p.evaluate(ctx, in, false),
	} {
		assert.Equal(t, tt.wantStatus, got.Status, "%s: %+v", mode, got)
		if tt.contains {
			assert.Contains(t, got.Message, tt.wantMessage, mode)
		} else {
			assert.Equal(t, tt.wantMessage, got.Message, mode)
		}
		assert.Equal(t, tt.wantAnn, got.AuditAnnotations, mode)
	}
}

func messageCases() []evalCase {
	long := strings.Repeat("x", maxMessageBytes+1)
	return []evalCase{
		{name: "pass", spec: &v1alpha1.CEL{Expressions: exprs("object.spec.containers.all(c, c.image != '')", "m", "")},
			wantStatus: StatusPass},
		{name: "fail with message", spec: &v1alpha1.CEL{Expressions: exprs("size(object.spec.containers) == 1", "  one container only  ", "")},
			wantStatus: StatusFail, wantMessage: "one container only"},
		{name: "fail with default message", spec: &v1alpha1.CEL{Expressions: exprs(" object.spec.containers.all(c, c.image.endsWith(':latest'))\n", "", "")},
			wantStatus: StatusFail, wantMessage: "failed expression: object.spec.containers.all(c, c.image.endsWith(':latest'))"},
		{name: "fail with the rule's message", spec: &v1alpha1.CEL{Expressions: exprs("false", "", "")},
			opts: []CompileOption{WithMessage("rule message")}, wantStatus: StatusFail, wantMessage: "rule message"},
		{name: "expression message wins over the rule's", spec: &v1alpha1.CEL{Expressions: exprs("false", "own", "")},
			opts: []CompileOption{WithMessage("rule message")}, wantStatus: StatusFail, wantMessage: "own"},
		{name: "messageExpression", spec: &v1alpha1.CEL{Expressions: exprs("object.spec.containers.all(c, has(c.securityContext))", "static",
			"'container ' + object.spec.containers.filter(c, !has(c.securityContext))[0].name + ' has no securityContext'")},
			wantStatus: StatusFail, wantMessage: "container sidecar has no securityContext"},
		{name: "blank messageExpression falls back", spec: &v1alpha1.CEL{Expressions: exprs("false", "static", "'  '")},
			wantStatus: StatusFail, wantMessage: "static"},
		{name: "failing messageExpression falls back", spec: &v1alpha1.CEL{Expressions: exprs("false", "static", "string(object.spec.nope)")},
			wantStatus: StatusFail, wantMessage: "static"},
		{name: "multi-line messageExpression falls back", spec: &v1alpha1.CEL{Expressions: exprs("false", "", "'a\\nb'")},
			opts: []CompileOption{WithMessage("rule")}, wantStatus: StatusFail, wantMessage: "rule"},
		{name: "too long messageExpression falls back", spec: &v1alpha1.CEL{Expressions: exprs("false", "static", "string(object.metadata.labels.long)")},
			edit: func(t *testing.T, in *Input) {
				in.Object["metadata"].(map[string]any)["labels"].(map[string]any)["long"] = long
			}, wantStatus: StatusFail, wantMessage: "static"},
		{name: "first failing expression decides", spec: &v1alpha1.CEL{Expressions: exprs("true", "t", "", "false", "first", "", "false", "second", "")},
			wantStatus: StatusFail, wantMessage: "first"},
	}
}

func variableCases() []evalCase {
	return []evalCase{
		{name: "variables chain", spec: &v1alpha1.CEL{
			Variables: vars("containers", "object.spec.containers + object.spec.?initContainers.orValue([])",
				"names", "variables.containers.map(c, c.name)"),
			Expressions: exprs("variables.names == ['web', 'sidecar']", "", "")}, wantStatus: StatusPass},
		{name: "variable in messageExpression", spec: &v1alpha1.CEL{
			Variables:   vars("unprivileged", "object.spec.containers.filter(c, !has(c.securityContext)).map(c, c.name)"),
			Expressions: exprs("size(variables.unprivileged) == 0", "", "'missing securityContext: ' + variables.unprivileged.join(', ')")},
			wantStatus: StatusFail, wantMessage: "missing securityContext: sidecar"},
		{name: "variables map operations", spec: &v1alpha1.CEL{
			Variables: vars("a", "1", "b", "'x'"),
			Expressions: exprs("has(variables.a) && variables.b == 'x' && type(variables) == type(variables) && "+
				"variables == variables", "", "")}, wantStatus: StatusPass},
		{name: "unused failing variable is not evaluated", spec: &v1alpha1.CEL{
			Variables: vars("broken", "object.spec.nope == 1"), Expressions: exprs("true", "", "")}, wantStatus: StatusPass},
		{name: "failing variable is an error where used", spec: &v1alpha1.CEL{
			Variables: vars("broken", "object.spec.nope == 1"), Expressions: exprs("variables.broken", "", "")},
			wantStatus: StatusError, contains: true, wantMessage: `composited variable "broken" fails to evaluate: no such key: nope`},
	}
}

func inputCases() []evalCase {
	withParams := func(params any) func(*testing.T, *Input) { return func(_ *testing.T, in *Input) { in.Params = params } }
	paramKind := &admissionregistrationv1.ParamKind{APIVersion: "v1", Kind: "ConfigMap"}
	return []evalCase{
		{name: "params", spec: &v1alpha1.CEL{ParamKind: paramKind,
			Expressions: exprs("size(object.spec.containers) <= int(params.data.max)", "", "'at most ' + params.data.max + ' containers'")},
			edit: withParams(map[string]any{"data": map[string]any{"max": "1"}}), wantStatus: StatusFail, wantMessage: "at most 1 containers"},
		{name: "missing params are null", spec: &v1alpha1.CEL{ParamKind: paramKind, Expressions: exprs("params == null", "", "")},
			wantStatus: StatusPass},
		{name: "oldObject on update", spec: &v1alpha1.CEL{Expressions: exprs(
			"oldObject == null || object.metadata.labels.app == oldObject.metadata.labels.app", "app label is immutable", "")},
			edit: func(t *testing.T, in *Input) {
				in.OldObject = obj(t, "metadata: {labels: {app: api}}")
				in.Request = podRequest("UPDATE", "web", "shop")
			}, wantStatus: StatusFail, wantMessage: "app label is immutable"},
		{name: "oldObject is null on create", spec: &v1alpha1.CEL{Expressions: exprs("oldObject == null", "", "")}, wantStatus: StatusPass},
		{name: "object is null on delete", spec: &v1alpha1.CEL{Expressions: exprs("object == null && oldObject.metadata.name == 'web'", "", "")},
			edit: func(t *testing.T, in *Input) { in.OldObject, in.Object = in.Object, nil }, wantStatus: StatusPass},
		{name: "request", spec: &v1alpha1.CEL{Expressions: exprs(
			"request.operation == 'CREATE' && request.userInfo.username == 'alice' && 'system:authenticated' in request.userInfo.groups", "", "")},
			wantStatus: StatusPass},
		{name: "namespaceObject", spec: &v1alpha1.CEL{Expressions: exprs("namespaceObject.metadata.labels.env == 'prod'", "not prod", "")},
			edit: func(t *testing.T, in *Input) {
				in.NamespaceObject = obj(t, "metadata: {name: shop, labels: {env: dev}}")
			},
			wantStatus: StatusFail, wantMessage: "not prod"},
		{name: "map and list operations", spec: &v1alpha1.CEL{Expressions: exprs(
			"object.metadata.labels == {'app': 'web'} && object.spec.containers[0] in object.spec.containers && "+
				"size(object.metadata) == 3 && object.metadata.labels.exists(k, k == 'app') && "+
				"object.spec.containers + [] == object.spec.containers && type(object.spec) == map && "+
				"type(object.spec.containers) == list && sets.contains(object.spec.containers.map(c, c.name), ['web']) && "+
				"optional.ofNonZeroValue(object.metadata.labels).hasValue() && !optional.ofNonZeroValue(object.spec.nothing).hasValue() && "+
				"string(object.spec.replicas) == '2' && object.spec.containers.map(c, c.name).join(',') == 'web,sidecar' && "+
				"object.spec.containers.exists_one(c, c == {'name': 'sidecar', 'image': 'envoy:1.30'})", "", "")},
			edit: func(_ *testing.T, in *Input) {
				in.Object["spec"].(map[string]any)["nothing"] = []any{}
			}, wantStatus: StatusPass},
		{name: "numbers of every decoded type", spec: &v1alpha1.CEL{Expressions: exprs(
			"object.spec.a > 1 && object.spec.b > 1 && object.spec.c > 1.5 && object.spec.d == 2 && object.spec.a == object.spec.b", "", "")},
			edit: func(t *testing.T, in *Input) {
				spec := in.Object["spec"].(map[string]any)
				spec["a"], spec["b"], spec["c"], spec["d"] = int64(2), 2, 2.5, float64(2)
			}, wantStatus: StatusPass},
	}
}

func errorCases() []evalCase {
	bigList := func(n int) func(*testing.T, *Input) {
		return func(_ *testing.T, in *Input) {
			items := make([]any, n)
			for i := range items {
				items[i] = int64(i)
			}
			in.Object["spec"].(map[string]any)["items"] = items
		}
	}
	bigString := func(n int) func(*testing.T, *Input) {
		return func(_ *testing.T, in *Input) { in.Object["spec"].(map[string]any)["big"] = strings.Repeat("a", n) }
	}
	quadratic := "object.spec.items.all(i, object.spec.items.all(j, i + j >= 0))"
	// Each search of a 5 MB string costs just over 500,000, half the per-call limit: 19 fit in the rule's budget, 21 do not.
	spendy := make([]string, 0, 63)
	for range 21 {
		spendy = append(spendy, "!object.spec.big.contains('b')", "", "")
	}
	return []evalCase{
		{name: "missing field is an error", spec: &v1alpha1.CEL{Expressions: exprs("object.spec.hostNetwork == false", "", "")},
			wantStatus: StatusError, wantMessage: "expression 'object.spec.hostNetwork == false' resulted in error: no such key: hostNetwork"},
		{name: "error before a failure decides", spec: &v1alpha1.CEL{Expressions: exprs("object.spec.x == 1", "", "", "false", "f", "")},
			wantStatus: StatusError, contains: true, wantMessage: "no such key: x"},
		{name: "false absorbs an error in a logical or", spec: &v1alpha1.CEL{Expressions: exprs("object.spec.x == 1 || true", "", "")},
			wantStatus: StatusPass},
		{name: "null request is an error", spec: &v1alpha1.CEL{Expressions: exprs("request.operation == 'CREATE'", "", "")},
			edit: func(_ *testing.T, in *Input) { in.Request = nil }, wantStatus: StatusError, contains: true, wantMessage: "resulted in error"},
		{name: "small list within the per-call limit", spec: &v1alpha1.CEL{Expressions: exprs(quadratic, "", "")},
			edit: bigList(100), wantStatus: StatusPass},
		{name: "per-call cost limit", spec: &v1alpha1.CEL{Expressions: exprs("!object.spec.big.contains('b')", "", "")},
			edit: bigString(11_000_000), wantStatus: StatusError, contains: true, wantMessage: "operation cancelled: actual cost limit exceeded"},
		{name: "per-call cost limit in a comprehension", spec: &v1alpha1.CEL{Expressions: exprs(
			"object.spec.items.all(i, object.spec.big.contains('a'))", "", "")},
			edit:       func(t *testing.T, in *Input) { bigList(200)(t, in); bigString(100_000)(t, in) },
			wantStatus: StatusError, contains: true, wantMessage: "operation cancelled: actual cost limit exceeded"},
		{name: "rule cost budget", spec: &v1alpha1.CEL{Expressions: exprs(spendy...)},
			edit: bigString(5_000_000), wantStatus: StatusError, wantMessage: ErrBudgetExceeded.Error()},
		{name: "within the rule cost budget", spec: &v1alpha1.CEL{Expressions: exprs(spendy[:57]...)},
			edit: bigString(5_000_000), wantStatus: StatusPass},
	}
}

func annotationCases() []evalCase {
	anns := []admissionregistrationv1.AuditAnnotation{
		{Key: "containers", ValueExpression: "object.spec.containers.map(c, c.name).join(',')"},
		{Key: "none", ValueExpression: "null"},
		{Key: "blank", ValueExpression: "' '"},
		{Key: "broken", ValueExpression: "string(object.spec.nope)"},
	}
	return []evalCase{
		{name: "audit annotations on pass", spec: &v1alpha1.CEL{Expressions: exprs("true", "", ""), AuditAnnotations: anns},
			wantStatus: StatusPass, wantAnn: map[string]string{"containers": "web,sidecar"}},
		{name: "audit annotations on failure", spec: &v1alpha1.CEL{Expressions: exprs("false", "f", ""), AuditAnnotations: anns},
			wantStatus: StatusFail, wantMessage: "f", wantAnn: map[string]string{"containers": "web,sidecar"}},
		{name: "audit annotations only", spec: &v1alpha1.CEL{AuditAnnotations: anns[:1]},
			wantStatus: StatusPass, wantAnn: map[string]string{"containers": "web,sidecar"}},
	}
}

func TestEvaluateCancelledContext(t *testing.T) {
	c := newCompiler(t)
	p, err := c.Compile(&v1alpha1.CEL{Expressions: exprs("true", "", "")})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got := p.Evaluate(ctx, Input{})
	assert.Equal(t, StatusError, got.Status)
	assert.Contains(t, got.Message, "context canceled")
}

func TestEvaluateConcurrently(t *testing.T) {
	c := newCompiler(t)
	p, err := c.Compile(&v1alpha1.CEL{
		Variables:   vars("names", "object.spec.containers.map(c, c.name)"),
		Expressions: exprs("variables.names.exists(n, n == 'web')", "", "")})
	require.NoError(t, err)
	in := Input{Object: obj(t, testPod)}.Prepare()
	done := make(chan Result)
	for range 8 {
		go func() { done <- p.Evaluate(context.Background(), in) }()
	}
	for range 8 {
		assert.Equal(t, StatusPass, (<-done).Status)
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{StatusPass: "pass", StatusFail: "fail", StatusError: "error", Status(9): "Status(9)"} {
		assert.Equal(t, want, s.String())
	}
}

func TestCompileConcurrently(t *testing.T) {
	c := newCompiler(t)
	spec := &v1alpha1.CEL{
		Variables:   vars("names", "object.spec.containers.map(c, c.name)"),
		Expressions: exprs("variables.names.all(n, n != '')", "", "'bad: ' + variables.names.join(',')")}
	in := Input{Object: obj(t, testPod)}
	errs := make(chan error)
	for range 4 {
		go func() {
			p, err := c.Compile(spec)
			if err == nil && p.Evaluate(context.Background(), in).Status != StatusPass {
				err = assert.AnError
			}
			errs <- err
		}()
	}
	for range 4 {
		assert.NoError(t, <-errs)
	}
}

// TestPreparedParamsPerCopy: rules with different paramRefs set their own params on copies of one prepared input.
func TestPreparedParamsPerCopy(t *testing.T) {
	c := newCompiler(t)
	p, err := c.Compile(&v1alpha1.CEL{ParamKind: &admissionregistrationv1.ParamKind{Kind: "ConfigMap"},
		Expressions: exprs("params.data.app == object.metadata.labels.app", "", "")})
	require.NoError(t, err)
	shared := Input{Object: obj(t, testPod)}.Prepare()
	for _, tt := range []struct {
		app  string
		want Status
	}{{"web", StatusPass}, {"api", StatusFail}, {"web", StatusPass}} {
		in := shared
		in.Params = map[string]any{"data": map[string]any{"app": tt.app}}
		assert.Equal(t, tt.want, p.Evaluate(context.Background(), in).Status, tt.app)
	}
}

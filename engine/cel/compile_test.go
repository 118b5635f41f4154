package cel

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

func TestCompileErrors(t *testing.T) {
	c := newCompiler(t)
	tests := []struct {
		name    string
		spec    *v1alpha1.CEL
		wantErr string
	}{
		{name: "nil spec", spec: nil, wantErr: "no cel block"},
		{name: "no expressions", spec: &v1alpha1.CEL{}, wantErr: "at least one expression"},
		{name: "syntax", spec: &v1alpha1.CEL{Expressions: exprs("object.spec.(", "", "")},
			wantErr: "expressions[0].expression: compilation failed: ERROR: <input>:1:13: Syntax error"},
		{name: "not bool", spec: &v1alpha1.CEL{Expressions: exprs("true", "", "", "'x'", "", "")},
			wantErr: "expressions[1].expression: compilation failed: must evaluate to bool but got string"},
		{name: "dyn is not bool", spec: &v1alpha1.CEL{Expressions: exprs("object.spec.hostNetwork", "", "")},
			wantErr: "must evaluate to bool but got dyn"},
		{name: "message expression not string", spec: &v1alpha1.CEL{Expressions: exprs("true", "", "", "true", "", "1 + 1")},
			wantErr: "expressions[1].messageExpression: compilation failed: must evaluate to string but got int"},
		{name: "undeclared reference", spec: &v1alpha1.CEL{Expressions: exprs("foo == 1", "", "")},
			wantErr: "undeclared reference to 'foo'"},
		{name: "params without paramKind", spec: &v1alpha1.CEL{Expressions: exprs("params.x == 1", "", "")},
			wantErr: "undeclared reference to 'params'"},
		{name: "authorizer is not declared", spec: &v1alpha1.CEL{Expressions: exprs("authorizer.group('').resource('pods').check('get').allowed()", "", "")},
			wantErr: "undeclared reference to 'authorizer'"},
		{name: "unknown variable", spec: &v1alpha1.CEL{Variables: vars("a", "1"), Expressions: exprs("variables.b == 1", "", "")},
			wantErr: "undefined field 'b'"},
		{name: "variable used before declared", spec: &v1alpha1.CEL{Variables: vars("a", "variables.b", "b", "1"), Expressions: exprs("true", "", "")},
			wantErr: "variables[0].expression (a): compilation failed"},
		{name: "variable without name", spec: &v1alpha1.CEL{Variables: vars("", "1"), Expressions: exprs("true", "", "")},
			wantErr: "variables[0].name: a name is required"},
		{name: "duplicate variable", spec: &v1alpha1.CEL{Variables: vars("a", "1", "a", "2"), Expressions: exprs("true", "", "")},
			wantErr: `variables[1].name: duplicate variable "a"`},
		{name: "variable type mismatch", spec: &v1alpha1.CEL{Variables: vars("n", "1"), Expressions: exprs("variables.n == 'x'", "", "")},
			wantErr: "no matching overload for '_==_'"},
		{name: "audit annotation type", spec: &v1alpha1.CEL{Expressions: exprs("true", "", ""),
			AuditAnnotations: []admissionregistrationv1.AuditAnnotation{{Key: "k", ValueExpression: "1"}}},
			wantErr: "auditAnnotations[0].valueExpression: compilation failed: must evaluate to one of [string null_type] but got int"},
		{name: "audit annotation without key", spec: &v1alpha1.CEL{Expressions: exprs("true", "", ""),
			AuditAnnotations: []admissionregistrationv1.AuditAnnotation{{ValueExpression: "'v'"}}},
			wantErr: "auditAnnotations[0].key: a key is required"},
		{name: "bad regex literal", spec: &v1alpha1.CEL{Expressions: exprs("'a'.matches('[')", "", "")},
			wantErr: "expressions[0].expression: compilation failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.Compile(tt.spec)
			require.Error(t, err)
			assert.Nil(t, p)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestCompileAccepts(t *testing.T) {
	c := newCompiler(t)
	tests := []struct {
		name string
		spec *v1alpha1.CEL
	}{
		{name: "typed request fields", spec: &v1alpha1.CEL{Expressions: exprs(
			"request.operation == 'CREATE' && request.userInfo.username != '' && request.kind.kind == 'Pod'", "", "")}},
		{name: "namespace object", spec: &v1alpha1.CEL{Expressions: exprs(
			"namespaceObject == null || namespaceObject.metadata.name != 'kube-system'", "", "")}},
		{name: "params with paramKind", spec: &v1alpha1.CEL{ParamKind: &admissionregistrationv1.ParamKind{Kind: "ConfigMap"},
			Expressions: exprs("params.data.x == 'y'", "", "")}},
		{name: "libraries", spec: &v1alpha1.CEL{Expressions: exprs(
			"quantity('1Gi').isGreaterThan(quantity('1Mi')) && isURL('https://x') && ip('10.0.0.1').family() == 4 && "+
				"cidr('10.0.0.0/8').containsIP('10.1.2.3') && 'a,b'.split(',').size() == 2 && sets.contains([1,2],[1]) && "+
				"semver('1.2.3').isLessThan(semver('1.3.0')) && [3,1,2].sort() == [1,2,3] && 'x'.matches('^x$') && "+
				"[1,2].all(i, v, v > 0) && format.dns1123Label().validate('a') == optional.none()", "", "")}},
		{name: "keyword field names", spec: &v1alpha1.CEL{Expressions: exprs("has(object.spec.__namespace__) || true", "", "")}},
		{name: "audit annotations only", spec: &v1alpha1.CEL{
			AuditAnnotations: []admissionregistrationv1.AuditAnnotation{{Key: "k", ValueExpression: "null"}}}},
		{name: "typed variables", spec: &v1alpha1.CEL{
			Variables:   vars("names", "object.spec.containers.map(c, c.name)", "count", "size(variables.names)", "ok", "variables.count > 0"),
			Expressions: exprs("variables.ok", "", "variables.names.join(', ')")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.Compile(tt.spec)
			require.NoError(t, err)
			assert.NotNil(t, p)
		})
	}
}

func TestCompilePreconditionsErrors(t *testing.T) {
	c := newCompiler(t)
	_, err := c.CompilePreconditions([]admissionregistrationv1.MatchCondition{
		{Name: "ok", Expression: "true"},
		{Name: "bad", Expression: "object.metadata.name"},
	})
	require.ErrorIs(t, err, ErrCompile)
	assert.ErrorContains(t, err, "celPreconditions[1] (bad).expression: compilation failed: must evaluate to bool but got dyn")

	_, err = c.CompilePreconditions([]admissionregistrationv1.MatchCondition{{Name: "vars", Expression: "variables.x == 1"}})
	assert.ErrorContains(t, err, "undefined field 'x'")
}

// TestFastEnvMatchesKubernetes guards fastBaseEnv: its functions and overloads must be exactly those of the
// Kubernetes stored-expressions environment, or the untracked programs could differ from the tracked ones.
func TestFastEnvMatchesKubernetes(t *testing.T) {
	c := newCompiler(t)
	want := overloadIDs(c.tracked.withParams.Functions())
	assert.Greater(t, len(want), 300)
	assert.Equal(t, want, overloadIDs(c.fast.withParams.Functions()))
}

func overloadIDs[F interface{ OverloadDecls() []O }, O interface{ ID() string }](fns map[string]F) []string {
	var ids []string
	for name, fn := range fns {
		for _, o := range fn.OverloadDecls() {
			ids = append(ids, name+"/"+o.ID())
		}
	}
	sort.Strings(ids)
	return ids
}

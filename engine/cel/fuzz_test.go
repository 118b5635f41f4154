package cel

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// fuzzPod is the object the fuzzed expressions run against: small enough that most rules take the untracked path.
const fuzzPod = `
metadata:
  name: web
  labels: {app: web, tier: frontend}
  annotations: {note: "a longer annotation value, to give string functions something to chew on"}
spec:
  hostNetwork: false
  replicas: 3
  ratio: 0.5
  containers:
  - name: web
    image: ghcr.io/shop/web:1.4.2
    ports: [{containerPort: 8080}, {containerPort: 8443}]
    securityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}}
  - name: sidecar
    image: envoy:1.30
    args: ["--a", "--b", "--c"]
`

// FuzzCompile compiles arbitrary expressions, as a validation, as a variable or as a precondition, and evaluates
// those that compile: nothing may panic, and the result on a prepared input (untracked when the cost model
// allows) must equal the result with cost tracking forced, so the cost limits the tracked programs enforce also
// hold for the untracked ones.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		"object.spec.containers.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists_one(x, x == 'ALL'))",
		"object.spec.containers.map(c, c.image.split(':')).all(p, size(p) == 2)",
		"object.spec.containers.all(a, object.spec.containers.all(b, a.name == b.name || a.image != b.image))",
		"object.metadata.annotations.note.matches('^a.*$') && object.metadata.labels.exists(k, k.startsWith('t'))",
		"[1, 2, 3].map(x, [x, x * 2]).all(l, l.all(y, y > 0))",
		"object.spec.replicas > 2 && object.spec.ratio < 1.0 && object.spec.replicas == 3.0",
		"lists.range(100).all(i, lists.range(100).all(j, i + j >= 0))",
		"object.spec.containers[1].args.join(' ').size() > 5",
		"'abc'.replace('b', 'bbbbbbbbbb').replace('b', 'bbbbbbbbbb').size() > 0",
		"cel.bind(x, object.spec.containers + object.spec.containers, x.all(c, size(x) > 1))",
		"request.operation == 'CREATE' && namespaceObject == null && oldObject == null",
		"quantity('1Gi').isGreaterThan(quantity('512Mi'))",
		"object.spec.nope",
		"(",
	} {
		// trailing spaces give each seed every length modulo 3: every way of checking it.
		for pad := range 3 {
			f.Add(seed + strings.Repeat(" ", pad))
		}
	}
	c, err := NewCompiler()
	require.NoError(f, err)
	pod := obj(f, fuzzPod)
	f.Fuzz(func(t *testing.T, expr string) {
		in := Input{Object: pod, Request: podRequest("CREATE", "web", "shop")}
		// One way per input, picked by its length, so that an execution compiles once or twice (a compile costs about
		// a millisecond): as a validation, as a variable of two rules, or as a precondition.
		switch len(expr) % 3 {
		case 0:
			spec := &v1alpha1.CEL{Expressions: []admissionregistrationv1.Validation{{Expression: expr, MessageExpression: "'m'"}}}
			if p, err := c.Compile(spec); err == nil {
				checkFastMatchesTracked(t, p, in, in.Prepare())
			}
		case 1:
			checkSharedVariable(t, c, in, expr)
		default:
			pre, err := c.CompilePreconditions([]admissionregistrationv1.MatchCondition{{Name: "fuzz", Expression: expr}})
			if err == nil {
				_, _ = pre.Match(context.Background(), in)
			}
		}
	})
}

// checkSharedVariable compiles expr as the variable of two rules and evaluates both on one shared prepared input,
// where the second rule may take the value the first computed, and the second also on a fresh one.
func checkSharedVariable(t *testing.T, c *Compiler, in Input, expr string) {
	shared := in.Prepare()
	for i, check := range []string{"variables.v == variables.v", "variables.v != variables.v"} {
		p, err := c.Compile(&v1alpha1.CEL{Variables: vars("v", expr), Expressions: exprs(check, "", "")})
		if err != nil {
			return
		}
		if i == 0 {
			// nothing is cached on the shared input yet: it is a fresh one.
			checkFastMatchesTracked(t, p, in, shared)
			continue
		}
		checkFastMatchesTracked(t, p, in, in.Prepare(), shared)
	}
}

// checkFastMatchesTracked evaluates p on the plain input with cost tracking forced, once, and on each prepared copy
// of in (untracked when the cost model allows): the results must be equal.
func checkFastMatchesTracked(t *testing.T, p *Program, in Input, prepared ...Input) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	tracked := p.evaluate(ctx, in, false)
	for _, pin := range prepared {
		got := p.Evaluate(ctx, pin)
		if ctx.Err() != nil {
			return
		}
		assert.Equal(t, tracked, got, "prepared (untracked: %v) and tracked evaluations differ", p.cost.allows(&in))
	}
}

package policy

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

const fuzzValidatingPolicy = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: v}
spec:
  validationActions: [Audit, Warn]
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods, pods/*], scope: Namespaced}
    excludeResourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods], resourceNames: [skip]}
    namespaceSelector: {matchLabels: {env: prod}}
  matchConditions:
  - {name: c, expression: "has(object.metadata.name)"}
  variables:
  - {name: images, expression: "object.spec.containers.map(c, c.image)"}
  validations:
  - expression: "variables.images.all(i, !i.endsWith(':latest'))"
    messageExpression: "'bad: ' + variables.images.join(',')"
  auditAnnotations:
  - {key: k, valueExpression: "'v'"}
---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: x, namespace: team}
spec:
  policyRefs: [{name: v, kind: ValidatingPolicy}]
  reportResult: pass
  matchConditions:
  - {name: m, expression: "object.metadata.name == 'a'"}
`

// FuzzLoadValidating feeds ValidatingPolicy and CEL PolicyException documents to the loader, then evaluates what
// compiled on a Pod: neither may panic, and every refusal must say why.
func FuzzLoadValidating(f *testing.F) {
	f.Add([]byte(fuzzValidatingPolicy))
	f.Add([]byte("apiVersion: policies.kyverno.io/v1beta1\nkind: NamespacedValidatingPolicy\nmetadata: {name: n}\nspec: {evaluation: {mode: JSON}, validations: [{expression: 'true'}]}\n"))
	f.Add([]byte("apiVersion: bylaw.dev/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: b}\nspec: {matchConstraints: {resourceRules: [{resources: ['*/*']}]}}\n"))
	l := NewLoader(engine.New())
	eng := engine.New()
	pod := map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "a", "namespace": "team"},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "x:latest"}}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		set := l.LoadBytes("fuzz.yaml", data)
		for _, e := range set.Errors {
			require.NotEmpty(t, e.Error())
		}
		for _, p := range set.Policies {
			in := engine.NewInput(engine.Request{Object: pod, NamespaceLabels: map[string]string{"env": "prod"}})
			res := eng.Validate(t.Context(), p, in, engine.EvalOptions{Exceptions: set.Exceptions})
			for _, rr := range res.Rules {
				require.NotEmpty(t, rr.Status)
			}
		}
	})
}

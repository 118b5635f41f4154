package reports

import (
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/engine"
)

// t0 is the clock of the tests.
var t0 = time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)

// fixedClock returns a clock that reads *now.
func fixedClock(now *time.Time) func() time.Time { return func() time.Time { return *now } }

// policyMod changes a test policy.
type policyMod func(*engine.Policy)

// newPolicy returns a ClusterPolicy named name, changed by mods.
func newPolicy(name string, mods ...policyMod) *engine.Policy {
	p := &engine.Policy{Kind: "ClusterPolicy", Name: name, Annotations: map[string]string{}, Background: true}
	for _, mod := range mods {
		mod(p)
	}
	return p
}

func annotated(key, value string) policyMod {
	return func(p *engine.Policy) { p.Annotations[key] = value }
}

func inNamespace(ns string) policyMod {
	return func(p *engine.Policy) { p.Kind, p.Namespace = "Policy", ns }
}

func fromSource(source, revision, digest string) policyMod {
	return func(p *engine.Policy) {
		p.Provenance = engine.Provenance{Source: source, Revision: revision, Digest: digest, Signers: []string{"release"}}
	}
}

// pod returns the identity of a Pod.
func pod(ns, name string) Resource {
	return Resource{APIVersion: "v1", Kind: "Pod", Namespace: ns, Name: name, UID: types.UID("uid-" + ns + "-" + name)}
}

// namespaceObj returns the identity of a Namespace (cluster-scoped).
func namespaceObj(name string) Resource {
	return Resource{APIVersion: "v1", Kind: "Namespace", Name: name, UID: types.UID("uid-ns-" + name)}
}

// rule returns a validate rule result.
func rule(name string, status engine.Status, message string) engine.RuleResult {
	return engine.RuleResult{Rule: name, Type: engine.RuleValidate, Status: status, Message: message,
		Action: engine.ActionAudit}
}

// result returns the results of p's rules.
func result(p *engine.Policy, rules ...engine.RuleResult) engine.PolicyResult {
	return engine.PolicyResult{Policy: p, Rules: rules}
}

package registration

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

const allOps = "CONNECT,CREATE,DELETE,UPDATE"

// loadPolicies compiles policy documents the way bylaw loads them.
func loadPolicies(t *testing.T, docs ...string) []*engine.Policy {
	t.Helper()
	set := policy.NewLoader(engine.New()).LoadBytes("t.yaml", []byte(strings.Join(docs, "\n---\n")))
	for _, e := range set.Errors {
		require.NoError(t, e)
	}
	return set.Policies
}

// policyDoc returns a policy of kind ClusterPolicy or Policy (in namespace team-a), with autogen off. spec holds extra
// spec lines, indented by two spaces.
func policyDoc(kind, name, spec string, rules ...string) string {
	meta := "  name: " + name + "\n"
	if kind == "Policy" {
		meta += "  namespace: team-a\n"
	}
	meta += "  annotations: {pod-policies.bylaw.dev/autogen-controllers: none}\n"
	return "apiVersion: bylaw.dev/v1alpha1\nkind: " + kind + "\nmetadata:\n" + meta + "spec:\n" + spec + "  rules:\n" +
		strings.Join(rules, "")
}

// clusterPolicy is policyDoc for a ClusterPolicy with default webhook settings.
func clusterPolicy(name string, rules ...string) string {
	return policyDoc("ClusterPolicy", name, "", rules...)
}

// rule returns a rule matching kinds (with operations, when given) whose action is "validate", "mutate" (on the
// request object) or "mutate-existing".
func rule(name, action string, kinds []string, ops ...string) string {
	quoted := make([]string, len(kinds))
	for i, k := range kinds {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	res := "kinds: [" + strings.Join(quoted, ", ") + "]"
	if len(ops) > 0 {
		res += ", operations: [" + strings.Join(ops, ", ") + "]"
	}
	bodies := map[string]string{
		"validate": "validate: {deny: {}}",
		"mutate":   "mutate: {patchStrategicMerge: {metadata: {labels: {a: b}}}}",
		"mutate-existing": "mutate: {targets: [{apiVersion: v1, kind: Secret, name: s, namespace: default}], " +
			"patchStrategicMerge: {metadata: {labels: {a: b}}}}",
		"generate":     "generate: {apiVersion: v1, kind: ConfigMap, name: c, namespace: default, data: {data: {a: b}}}",
		"verifyImages": "verifyImages: [{imageReferences: [\"*\"], attestors: [{entries: [{keys: {publicKeys: k}}]}]}]",
	}
	return "  - {name: " + name + ", match: {any: [{resources: {" + res + "}}]}, " + bodies[action] + "}\n"
}

// describeRules renders webhook rules as "group/version resources operations scope", the core group as "core".
func describeRules(rules []admissionregistrationv1.RuleWithOperations) []string {
	out := make([]string, 0, len(rules))
	for _, r := range rules {
		group := strings.Join(r.APIGroups, ",")
		if group == "" {
			group = "core"
		}
		ops := make([]string, len(r.Operations))
		for i, op := range r.Operations {
			ops[i] = string(op)
		}
		out = append(out, fmt.Sprintf("%s/%s %s %s %s", group, strings.Join(r.APIVersions, ","),
			strings.Join(r.Resources, ","), strings.Join(ops, ","), *r.Scope))
	}
	return out
}

// describeValidating maps each webhook name of a configuration to its described rules; nil for no configuration.
func describeValidating(c *admissionregistrationv1.ValidatingWebhookConfiguration) map[string][]string {
	if c == nil {
		return nil
	}
	out := map[string][]string{}
	for _, w := range c.Webhooks {
		out[w.Name] = describeRules(w.Rules)
	}
	return out
}

func describeMutating(c *admissionregistrationv1.MutatingWebhookConfiguration) map[string][]string {
	if c == nil {
		return nil
	}
	out := map[string][]string{}
	for _, w := range c.Webhooks {
		out[w.Name] = describeRules(w.Rules)
	}
	return out
}

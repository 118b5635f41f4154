package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// listLoader lists a fixed set of objects by kind, namespace ("" for all) and label selector, and records the
// queries; ignoreNamespace answers with every namespace's objects, as a broken or hostile loader might.
type listLoader struct {
	paramLoader
	objects         []map[string]any
	ignoreNamespace bool
	queries         *[]string
}

func (l listLoader) List(_ context.Context, q engine.ResourceQuery) ([]map[string]any, error) {
	sel, err := metav1.LabelSelectorAsSelector(q.Selector)
	if q.Selector == nil {
		sel, err = labels.Everything(), nil
	}
	if err != nil {
		return nil, err
	}
	*l.queries = append(*l.queries, q.Kinds[0]+" in "+q.Namespace+" "+sel.String())
	var out []map[string]any
	for _, o := range l.objects {
		meta := o["metadata"].(map[string]any)
		lbls := labels.Set{}
		if m, ok := meta["labels"].(map[string]any); ok {
			for k, v := range m {
				lbls[k] = v.(string)
			}
		}
		if o["apiVersion"].(string)+"/"+o["kind"].(string) != q.Kinds[0] ||
			(q.Namespace != "" && !l.ignoreNamespace && meta["namespace"] != q.Namespace) || !sel.Matches(lbls) {
			continue
		}
		out = append(out, o)
	}
	return out, nil
}

func (l listLoader) Resource(_ context.Context, q engine.ResourceQuery) (map[string]any, error) {
	*l.queries = append(*l.queries, "get "+q.Kind+" "+q.Name)
	for _, o := range l.objects {
		if o["kind"] == q.Kind && o["metadata"].(map[string]any)["name"] == q.Name {
			return o, nil
		}
	}
	return nil, errors.New("not found")
}

func configMap(ns, name string, lbls map[string]any) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": name, "namespace": ns, "labels": lbls}, "data": map[string]any{"k": "v"}}
}

const mpolExistingHead = `apiVersion: policies.kyverno.io/v1
kind: %KIND%
metadata: {name: sync, namespace: shop}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
  matchConditions:
  - {name: trigger, expression: "object.metadata.name.startsWith('trigger')"}
  evaluation:
    mutateExisting: {enabled: true}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'synced-by': request.name}}}"
`

const targetsByLabel = `  targetMatchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [configmaps]}
    objectSelector: {matchLabels: {app: target}}
`

func mpolExisting(kind, extra string) string {
	doc := strings.Replace(mpolExistingHead, "%KIND%", kind, 1)
	if kind == "MutatingPolicy" {
		doc = strings.Replace(doc, ", namespace: shop}", "}", 1)
	}
	return doc + extra
}

func TestMutateExistingMutatingPolicy(t *testing.T) {
	target := map[string]any{"app": "target"}
	objects := []map[string]any{configMap("shop", "t1", target), configMap("shop", "plain", nil), configMap("lab", "t2", target),
		configMap("shop", "trigger-x", nil),
		{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "lab", "labels": map[string]any{"env": "lab"}}}}
	tests := []struct {
		name            string
		doc             string
		trigger         string
		ignoreNamespace bool
		status          engine.Status // "": the rule gives no result
		msg             string
		patched         []string // namespace/name of the patched targets, in order
		paths           []string // the loader queries
	}{
		{name: "targetMatchConstraints select by label in every namespace", doc: mpolExisting("MutatingPolicy", targetsByLabel), trigger: "trigger-a",
			status: engine.StatusPass, patched: []string{"shop/t1", "lab/t2"}, paths: []string{"v1/ConfigMap in  app=target"}},
		{name: "the trigger's match conditions decide", doc: mpolExisting("MutatingPolicy", targetsByLabel), trigger: "other"},
		{name: "namespaceSelector of the targets reads the namespace's labels",
			doc: mpolExisting("MutatingPolicy", targetsByLabel+"    namespaceSelector: {matchLabels: {env: lab}}\n"), trigger: "trigger-a",
			status: engine.StatusPass, patched: []string{"lab/t2"}, paths: []string{"v1/ConfigMap in  app=target", "get Namespace lab"}},
		{name: "resourceNames narrow the targets", doc: mpolExisting("MutatingPolicy", strings.Replace(targetsByLabel, "resources: [configmaps]}", "resources: [configmaps], resourceNames: [t2]}", 1)),
			trigger: "trigger-a", status: engine.StatusPass, patched: []string{"lab/t2"}, paths: []string{"v1/ConfigMap in  app=target"}},
		{name: "without targetMatchConstraints the targets are what matchConstraints selects, match conditions on each",
			doc: mpolExisting("MutatingPolicy", ""), trigger: "trigger-a", status: engine.StatusPass, patched: []string{"shop/trigger-x"},
			paths: []string{"v1/ConfigMap in  "}},
		{name: "a namespaced policy lists its own namespace only", doc: mpolExisting("NamespacedMutatingPolicy", targetsByLabel), trigger: "trigger-a",
			status: engine.StatusPass, patched: []string{"shop/t1"}, paths: []string{"v1/ConfigMap in shop app=target"}},
		{name: "a namespaced policy refuses a target outside its namespace", doc: mpolExisting("NamespacedMutatingPolicy", targetsByLabel), trigger: "trigger-a",
			ignoreNamespace: true, status: engine.StatusError, msg: "outside", paths: []string{"v1/ConfigMap in shop app=target"}},
		{name: "an exception on the trigger exempts it: nothing patched", doc: mpolExisting("MutatingPolicy", targetsByLabel) + exceptionFor("trigger-a"),
			trigger: "trigger-a", status: engine.StatusSkip, msg: "rule is skipped due to policy exception"},
		{name: "an exception on a target leaves that target alone", doc: mpolExisting("MutatingPolicy", targetsByLabel) + exceptionFor("t2"),
			trigger: "trigger-a", status: engine.StatusPass, patched: []string{"shop/t1"}, paths: []string{"v1/ConfigMap in  app=target"}},
		{name: "no target changed is a skip", doc: mpolExisting("MutatingPolicy", strings.Replace(targetsByLabel, "app: target", "app: none", 1)), trigger: "trigger-a",
			status: engine.StatusSkip, msg: "no target changed", paths: []string{"v1/ConfigMap in  app=none"}},
	}
	e := engine.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(e).LoadBytes("mpol.yaml", []byte(tt.doc))
			require.Empty(t, set.Errors)
			require.Len(t, set.Policies, 1)
			p := set.Policies[0]
			require.Len(t, p.Rules, 1)
			assert.True(t, p.Rules[0].IsMutateExisting())
			opts := engine.EvalOptions{Exceptions: set.Exceptions}
			assert.False(t, p.Runs(engine.StageMutate), "the trigger is not patched at admission")
			in := engine.NewInput(engine.Request{Operation: engine.OperationCreate, Object: configMap("shop", tt.trigger, nil)})
			assert.True(t, p.Triggers(in), "admission records a request for the generate controller")
			var paths []string
			loader := listLoader{objects: objects, ignoreNamespace: tt.ignoreNamespace, queries: &paths}
			opts.Loader = loader
			res := e.Mutate(context.Background(), p, in, opts)
			assert.Nil(t, res.Patched, "the trigger is not changed")
			assert.Equal(t, tt.paths, paths)
			if tt.status == "" {
				assert.Empty(t, res.Rules)
				return
			}
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.status, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.msg)
			var got []string
			for _, pt := range res.Targets {
				meta := pt.Object["metadata"].(map[string]any)
				assert.Equal(t, "ConfigMap", pt.Object["kind"], "a target keeps its kind")
				assert.Equal(t, "trigger-a", meta["labels"].(map[string]any)["synced-by"], "request is the trigger's")
				got = append(got, meta["namespace"].(string)+"/"+meta["name"].(string))
			}
			assert.Equal(t, tt.patched, got)
		})
	}
}

// exceptionFor is a PolicyException of the policy sync for objects named name.
func exceptionFor(name string) string {
	return `---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: x, namespace: shop}
spec:
  policyRefs: [{name: sync, kind: MutatingPolicy}]
  matchConditions:
  - {name: one, expression: "object.metadata.name == '` + name + `'"}
`
}

func TestMutateExistingMutatingPolicyCompileErrors(t *testing.T) {
	tests := []struct{ name, extra, err string }{
		{"a wildcard cannot be listed", strings.Replace(targetsByLabel, "resources: [configmaps]", "resources: ['*']", 1),
			`targetMatchConstraints.resourceRules[0]: mutateExisting lists its targets`},
		{"a subresource cannot be listed", strings.Replace(targetsByLabel, "resources: [configmaps]", "resources: [pods/status]", 1), "is a wildcard or a subresource"},
		{"a kind that is not built in", strings.Replace(targetsByLabel, `apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [configmaps]`, `apiGroups: [example.com], apiVersions: [v1], operations: [UPDATE], resources: [widgets]`, 1),
			`mutateExisting targets must be of a built-in kind: "example.com"/"v1"/"widgets"`},
		{"targets by expression are not supported", "  targetMatchConstraints:\n    expression: \"[]\"\n", "targetMatchConstraints.expression: selecting targets by expression is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(engine.New()).LoadBytes("mpol.yaml", []byte(mpolExisting("MutatingPolicy", tt.extra)))
			require.NotEmpty(t, set.Errors)
			assert.ErrorContains(t, set.Errors[0], tt.err)
		})
	}
}

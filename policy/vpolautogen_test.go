package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"sigs.k8s.io/yaml"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

// vpolSpec decodes a ValidatingPolicy spec written in YAML.
func vpolSpec(t *testing.T, doc string) *policiesv1.ValidatingPolicySpec {
	t.Helper()
	spec := &policiesv1.ValidatingPolicySpec{}
	require.NoError(t, yaml.UnmarshalStrict([]byte(doc), spec))
	return spec
}

// podMatch is the matchConstraints of a policy for Pods, with extra YAML lines added to the match.
func podMatch(extra string) string {
	return `matchConstraints:
  resourceRules:
  - {apiGroups: [""], apiVersions: ["v1"], operations: [CREATE, UPDATE], resources: [pods]}
` + extra + `validations:
- expression: "object.spec.hostPID != true"
`
}

func targetNames(configs map[string]policiesv1.ValidatingPolicyAutogen) map[string][]string {
	if configs == nil {
		return nil
	}
	out := map[string][]string{}
	for name, c := range configs {
		for _, t := range c.Targets {
			out[name] = append(out[name], t.Kind)
		}
	}
	return out
}

var allTargets = map[string][]string{
	AutogenConfigDefaults: {"DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "Job"},
	AutogenConfigCronJobs: {"CronJob"},
}

func TestAutogenValidatingWhen(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want map[string][]string
	}{
		{name: "pods only", spec: podMatch(""), want: allTargets},
		{name: "empty selectors do not prevent it", spec: podMatch("  namespaceSelector: {}\n  objectSelector: {}\n"), want: allTargets},
		{name: "no matchConstraints", spec: "validations: [{expression: 'true'}]\n"},
		{name: "more resources than pods", spec: `matchConstraints:
  resourceRules:
  - {apiGroups: [""], apiVersions: ["v1"], operations: [CREATE], resources: [pods, services]}
`},
		{name: "a second resource rule", spec: `matchConstraints:
  resourceRules:
  - {apiGroups: [""], apiVersions: ["v1"], operations: [CREATE], resources: [pods]}
  - {apiGroups: [apps], apiVersions: ["v1"], operations: [CREATE], resources: [deployments]}
`},
		{name: "wildcard group", spec: `matchConstraints:
  resourceRules: [{apiGroups: ["*"], apiVersions: ["v1"], operations: [CREATE], resources: [pods]}]
`},
		{name: "wildcard version", spec: `matchConstraints:
  resourceRules: [{apiGroups: [""], apiVersions: ["*"], operations: [CREATE], resources: [pods]}]
`},
		{name: "subresource", spec: `matchConstraints:
  resourceRules: [{apiGroups: [""], apiVersions: ["v1"], operations: [UPDATE], resources: [pods/ephemeralcontainers]}]
`},
		{name: "resource names", spec: `matchConstraints:
  resourceRules: [{apiGroups: [""], apiVersions: ["v1"], operations: [CREATE], resources: [pods], resourceNames: [web]}]
`},
		{name: "namespace selector labels", spec: podMatch("  namespaceSelector: {matchLabels: {team: a}}\n")},
		{name: "object selector expressions", spec: podMatch(
			"  objectSelector: {matchExpressions: [{key: app, operator: Exists}]}\n")},
		{name: "excluded resources", spec: podMatch(
			"  excludeResourceRules: [{apiGroups: [\"\"], apiVersions: [v1], resources: [pods], resourceNames: [x]}]\n")},
		{name: "controllers absent", spec: podMatch("autogen: {podControllers: {}}\n"), want: allTargets},
		{name: "controllers empty", spec: podMatch("autogen: {podControllers: {controllers: []}}\n")},
		{name: "deployments only", spec: podMatch("autogen: {podControllers: {controllers: [deployments]}}\n"),
			want: map[string][]string{AutogenConfigDefaults: {"Deployment"}}},
		{name: "cronjobs only", spec: podMatch("autogen: {podControllers: {controllers: [cronjobs]}}\n"),
			want: map[string][]string{AutogenConfigCronJobs: {"CronJob"}}},
		{name: "repeats count once, targets sorted", spec: podMatch(
			"autogen: {podControllers: {controllers: [jobs, statefulsets, jobs, daemonsets]}}\n"),
			want: map[string][]string{AutogenConfigDefaults: {"DaemonSet", "StatefulSet", "Job"}}},
		{name: "kinds are not Kyverno's spelling", spec: podMatch(
			"autogen: {podControllers: {controllers: [Deployment, CronJob, replicationcontrollers]}}\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AutogenValidating(vpolSpec(t, tt.spec))
			require.NoError(t, err)
			assert.Equal(t, tt.want, targetNames(got))
		})
	}
}

func TestAutogenValidatingNil(t *testing.T) {
	got, err := AutogenValidating(nil)
	require.NoError(t, err)
	assert.Nil(t, got)
}

func TestAutogenValidatingMatchConstraints(t *testing.T) {
	spec := vpolSpec(t, podMatch("  matchPolicy: Exact\n  namespaceSelector: {}\n"))
	got, err := AutogenValidating(spec)
	require.NoError(t, err)
	ops := []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}
	rule := func(group string, resources ...string) admissionregistrationv1.NamedRuleWithOperations {
		return admissionregistrationv1.NamedRuleWithOperations{RuleWithOperations: admissionregistrationv1.RuleWithOperations{
			Operations: ops,
			Rule:       admissionregistrationv1.Rule{APIGroups: []string{group}, APIVersions: []string{"v1"}, Resources: resources},
		}}
	}
	assert.Equal(t, &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
		rule("apps", "daemonsets", "deployments", "replicasets", "statefulsets"), rule("batch", "jobs"),
	}}, got[AutogenConfigDefaults].Spec.MatchConstraints)
	assert.Equal(t, &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
		rule("batch", "cronjobs"),
	}}, got[AutogenConfigCronJobs].Spec.MatchConstraints)
	assert.Equal(t, []policiesv1.Target{{Group: "batch", Version: "v1", Resource: "cronjobs", Kind: "CronJob"}},
		got[AutogenConfigCronJobs].Targets)
	assert.Equal(t, "object.spec.hostPID != true", spec.Validations[0].Expression, "the written spec is not changed")
}

func TestAutogenValidatingNoOperations(t *testing.T) {
	got, err := AutogenValidating(vpolSpec(t, `matchConstraints:
  resourceRules: [{apiGroups: [""], apiVersions: ["v1"], resources: [pods]}]
`))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Nil(t, got[AutogenConfigDefaults].Spec.MatchConstraints, "Kyverno's variant then matches nothing")
}

// everyField is a Pod policy with a Pod path in each field that holds CEL text or a message.
const everyField = `matchConstraints:
  resourceRules: [{apiGroups: [""], apiVersions: ["v1"], operations: [CREATE, UPDATE], resources: [pods]}]
matchConditions:
- {name: labelled, expression: "has(object.metadata.labels) && object.metadata.?labels.team.orValue('') != ''"}
variables:
- {name: containers, expression: "object.spec.containers + oldObject.spec.?initContainers.orValue([])"}
validations:
- expression: "object.spec.hostNetwork != true && oldObject.metadata.annotations == object.metadata.annotations"
  message: "object.spec.hostNetwork must not be set"
  messageExpression: "'pod ' + object.metadata.name + ' in ' + object.metadata.namespace + ' of ' + object.metadata.nameRef"
auditAnnotations:
- {key: ns, valueExpression: "namespaceObject.metadata.name + '/' + oldObject.metadata.namespace + object.metadata.uid"}
`

func TestAutogenValidatingRewritesEveryField(t *testing.T) {
	tests := []struct {
		config     string
		spec, meta string
	}{
		{config: AutogenConfigDefaults, spec: "spec.template.spec", meta: "spec.template.metadata"},
		{config: AutogenConfigCronJobs, spec: "spec.jobTemplate.spec.template.spec", meta: "spec.jobTemplate.spec.template.metadata"},
	}
	got, err := AutogenValidating(vpolSpec(t, everyField))
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.config, func(t *testing.T) {
			s, m := tt.spec, tt.meta
			v := got[tt.config].Spec
			require.NotNil(t, v)
			assert.Equal(t, "has(object."+m+".labels) && object."+m+".?labels.team.orValue('') != ''", v.MatchConditions[0].Expression)
			assert.Equal(t, "labelled", v.MatchConditions[0].Name)
			assert.Equal(t, "object."+s+".containers + oldObject."+s+".?initContainers.orValue([])", v.Variables[0].Expression)
			assert.Equal(t, "object."+s+".hostNetwork != true && oldObject."+m+".annotations == object."+m+".annotations",
				v.Validations[0].Expression)
			assert.Equal(t, "object."+s+".hostNetwork must not be set", v.Validations[0].Message)
			assert.Equal(t, "'pod ' + object.metadata.name + ' in ' + object.metadata.namespace + ' of ' + object."+m+".nameRef",
				v.Validations[0].MessageExpression, "name and namespace stay the controller's")
			assert.Equal(t, "namespaceObject.metadata.name + '/' + oldObject.metadata.namespace + object."+m+".uid",
				v.AuditAnnotations[0].ValueExpression)
		})
	}
}

func TestRewritePodPaths(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "object.spec.template.spec", want: "object.spec.template.spec.template.spec"},
		{in: "myobject.spec.x", want: "myobject.spec.template.spec.x"},
		{in: "namespaceObject.metadata.labels", want: "namespaceObject.metadata.labels"},
		{in: "object.metadata.name", want: "object.metadata.name"},
		{in: "object.metadata.namespace == oldObject.metadata.namespace", want: "object.metadata.namespace == oldObject.metadata.namespace"},
		{in: "object.metadata.names", want: "object.spec.template.metadata.names"},
		{in: "object.metadata.name_x", want: "object.spec.template.metadata.name_x"},
		{in: "object.metadata.?name", want: "object.spec.template.metadata.?name"},
		{in: "object.metadata", want: "object.spec.template.metadata"},
		{in: "Object.spec", want: "Object.spec"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, string(rewritePodPaths([]byte(tt.in), AutogenConfigDefaults)))
		})
	}
}

func TestAutogenRuleName(t *testing.T) {
	for _, config := range []string{AutogenConfigDefaults, AutogenConfigCronJobs} {
		assert.Equal(t, ValidatingRuleName, AutogenRuleName(config), config)
	}
	assert.Empty(t, ValidatingRuleName, "Kyverno's ValidatingPolicy results carry no rule name")
}

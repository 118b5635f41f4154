package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	admissionregistrationv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

func TestRewriteApplyConfiguration(t *testing.T) {
	cases := []struct{ name, config, expr, want string }{
		{"spec into the template", AutogenConfigDefaults,
			`Object{spec: Object.spec{containers: object.spec.containers}}`,
			`Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{containers: object.spec.template.spec.containers}}}}`},
		{"metadata into the template", AutogenConfigDefaults,
			`Object{metadata: Object.metadata{labels: {"a": object.metadata.labels.b}}}`,
			`Object{spec: Object.spec{template: Object.spec.template{metadata: Object.spec.template.metadata{labels: {"a": object.spec.template.metadata.labels.b}}}}}`},
		{"cronjobs", AutogenConfigCronJobs, `Object{spec: Object.spec{x: 1}}`,
			`Object{spec: Object.spec{jobTemplate: Object.spec.jobTemplate{spec: Object.spec.jobTemplate.spec{template: Object.spec.jobTemplate.spec.template{spec: Object.spec.jobTemplate.spec.template.spec{x: 1}}}}}}`},
		{"braces in strings are not counted", AutogenConfigDefaults, `Object{metadata: Object.metadata{annotations: {"a": "}"}}}`,
			`Object{spec: Object.spec{template: Object.spec.template{metadata: Object.spec.template.metadata{annotations: {"a": "}"}}}}}`},
		{"not one literal: paths only", AutogenConfigDefaults, `true ? Object{spec: Object.spec{}} : Object{}`,
			`true ? Object{spec: Object.spec.template.spec{}} : Object{}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rewriteApplyConfiguration(tc.expr, tc.config)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := rewriteApplyConfiguration(`Object{spec: Object.spec{`, AutogenConfigDefaults)
	assert.ErrorContains(t, err, "unbalanced braces")
}

func TestAutogenMutating(t *testing.T) {
	pods := &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
		RuleWithOperations: admissionregistrationv1.RuleWithOperations{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
			Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
		}}}}
	apply := admissionregistrationv1alpha1.Mutation{PatchType: admissionregistrationv1alpha1.PatchTypeApplyConfiguration,
		ApplyConfiguration: &admissionregistrationv1alpha1.ApplyConfiguration{Expression: `Object{spec: Object.spec{}}`}}
	jsonPatch := admissionregistrationv1alpha1.Mutation{PatchType: admissionregistrationv1alpha1.PatchTypeJSONPatch,
		JSONPatch: &admissionregistrationv1alpha1.JSONPatch{Expression: `[]`}}
	cases := []struct {
		name  string
		spec  policiesv1.MutatingPolicySpec
		wants []string
		// defaults are the resources of the defaults variant
		defaults []string
	}{
		{"all controllers", policiesv1.MutatingPolicySpec{MatchConstraints: pods, Mutations: []admissionregistrationv1alpha1.Mutation{apply}},
			[]string{AutogenConfigCronJobs, AutogenConfigDefaults}, []string{"daemonsets", "deployments", "replicasets", "statefulsets", "jobs"}},
		{"deployments only", policiesv1.MutatingPolicySpec{MatchConstraints: pods, Mutations: []admissionregistrationv1alpha1.Mutation{apply},
			AutogenConfiguration: &policiesv1.MutatingPolicyAutogenConfiguration{PodControllers: &policiesv1.PodControllersGenerationConfiguration{Controllers: []string{"deployments"}}}},
			[]string{AutogenConfigDefaults}, []string{"deployments"}},
		{"empty list disables", policiesv1.MutatingPolicySpec{MatchConstraints: pods, Mutations: []admissionregistrationv1alpha1.Mutation{apply},
			AutogenConfiguration: &policiesv1.MutatingPolicyAutogenConfiguration{PodControllers: &policiesv1.PodControllersGenerationConfiguration{Controllers: []string{}}}},
			nil, nil},
		{"JSONPatch: no variants", policiesv1.MutatingPolicySpec{MatchConstraints: pods, Mutations: []admissionregistrationv1alpha1.Mutation{apply, jsonPatch}}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AutogenMutating(&tc.spec)
			require.NoError(t, err)
			var names []string
			for _, n := range []string{AutogenConfigCronJobs, AutogenConfigDefaults} {
				if _, ok := got[n]; ok {
					names = append(names, n)
				}
			}
			assert.Equal(t, tc.wants, names)
			if v, ok := got[AutogenConfigDefaults]; ok {
				assert.Equal(t, tc.defaults, targetResources(v.Targets))
				assert.Contains(t, v.Spec.Mutations[0].ApplyConfiguration.Expression, "Object.spec.template{")
			}
		})
	}
}

func targetResources(ts []policiesv1.Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Resource
	}
	return out
}

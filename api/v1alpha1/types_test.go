package v1alpha1

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

func TestAddToSchemeRegistersKinds(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, AddToScheme(scheme))
	tests := []struct {
		obj  runtime.Object
		kind string
	}{
		{&ClusterPolicy{}, "ClusterPolicy"},
		{&ClusterPolicyList{}, "ClusterPolicyList"},
		{&Policy{}, "Policy"},
		{&PolicyList{}, "PolicyList"},
		{&PolicyException{}, "PolicyException"},
		{&PolicyExceptionList{}, "PolicyExceptionList"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			gvks, _, err := scheme.ObjectKinds(tt.obj)
			require.NoError(t, err)
			require.Len(t, gvks, 1)
			assert.Equal(t, SchemeGroupVersion.WithKind(tt.kind), gvks[0])
		})
	}
	assert.Equal(t, "policies.bylaw.dev", Resource("policies").String())
	assert.Equal(t, "Policy.bylaw.dev", Kind("Policy").String())
}

func TestDeepCopyIsIndependent(t *testing.T) {
	original := &ClusterPolicy{Spec: Spec{Rules: []Rule{{
		Name:       "r",
		Validation: &Validation{Pattern: &apiextv1.JSON{Raw: []byte(`{"a":1}`)}, ForEach: []ForEachValidation{{List: "l"}}},
	}}}}
	copied := original.DeepCopy()
	require.Equal(t, original, copied)
	copied.Spec.Rules[0].Validation.Pattern.Raw[6] = '2'
	copied.Spec.Rules[0].Validation.ForEach[0].List = "changed"
	assert.JSONEq(t, `{"a":1}`, string(original.Spec.Rules[0].Validation.Pattern.Raw))
	assert.Equal(t, "l", original.Spec.Rules[0].Validation.ForEach[0].List)
}

func TestSpecEffectiveSettings(t *testing.T) {
	ignore, fail := Ignore, Fail
	one := ApplyOne
	enforce := Enforce
	tests := []struct {
		name           string
		spec           Spec
		rule           Rule
		wantPolicy     FailurePolicyType
		wantTimeout    *int32
		wantApply      ApplyRulesType
		wantAction     ValidationFailureAction
		wantBackground bool
		wantAdmission  bool
	}{
		{name: "defaults", wantPolicy: Fail, wantApply: ApplyAll, wantAction: Audit, wantBackground: true, wantAdmission: true},
		{
			name: "deprecated fields",
			spec: Spec{FailurePolicy: &ignore, WebhookTimeoutSeconds: ptr.To[int32](5), ValidationFailureAction: EnforceLegacy,
				Background: ptr.To(false), Admission: ptr.To(false), ApplyRules: &one},
			wantPolicy: Ignore, wantTimeout: ptr.To[int32](5), wantApply: ApplyOne, wantAction: EnforceLegacy,
		},
		{
			name: "webhook configuration and rule action win",
			spec: Spec{FailurePolicy: &ignore, WebhookTimeoutSeconds: ptr.To[int32](5), ValidationFailureAction: Audit,
				WebhookConfiguration: &WebhookConfiguration{FailurePolicy: &fail, TimeoutSeconds: ptr.To[int32](9)}},
			rule:       Rule{Validation: &Validation{FailureAction: &enforce}},
			wantPolicy: Fail, wantTimeout: ptr.To[int32](9), wantApply: ApplyAll, wantAction: Enforce,
			wantBackground: true, wantAdmission: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantPolicy, tt.spec.EffectiveFailurePolicy())
			assert.Equal(t, tt.wantTimeout, tt.spec.EffectiveTimeoutSeconds())
			assert.Equal(t, tt.wantApply, tt.spec.EffectiveApplyRules())
			assert.Equal(t, tt.wantAction, tt.spec.FailureActionFor(&tt.rule))
			assert.Equal(t, tt.wantBackground, tt.spec.BackgroundEnabled())
			assert.Equal(t, tt.wantAdmission, tt.spec.AdmissionEnabled())
		})
	}
}

func TestValidationFailureAction(t *testing.T) {
	tests := []struct {
		action      ValidationFailureAction
		wantEnforce bool
		wantValid   bool
	}{
		{Audit, false, true}, {AuditLegacy, false, true},
		{Enforce, true, true}, {EnforceLegacy, true, true},
		{"ENFORCE", false, false}, {"", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.action), func(t *testing.T) {
			assert.Equal(t, tt.wantEnforce, tt.action.IsEnforce())
			assert.Equal(t, tt.wantValid, tt.action.IsValid())
		})
	}
}

func TestBooleanDefaults(t *testing.T) {
	var iv ImageVerification
	assert.True(t, iv.MutatesDigest())
	assert.True(t, iv.VerifiesDigest())
	assert.True(t, iv.IsRequired())
	assert.True(t, iv.UsesCache())
	iv = ImageVerification{MutateDigest: ptr.To(false), VerifyDigest: ptr.To(false), Required: ptr.To(false), UseCache: ptr.To(false)}
	assert.False(t, iv.MutatesDigest())
	assert.False(t, iv.VerifiesDigest())
	assert.False(t, iv.IsRequired())
	assert.False(t, iv.UsesCache())

	var rule Rule
	assert.True(t, rule.SkipsBackgroundRequests())
	rule.SkipBackgroundRequests = ptr.To(false)
	assert.False(t, rule.SkipsBackgroundRequests())
	assert.True(t, (&Validation{}).AllowsExistingViolations())
	assert.False(t, (&Validation{AllowExistingViolations: ptr.To(false)}).AllowsExistingViolations())
	assert.True(t, (&PolicyExceptionSpec{}).BackgroundEnabled())
}

func TestRuleKinds(t *testing.T) {
	tests := []struct {
		name                                         string
		rule                                         Rule
		validate, mutate, existing, generate, verify bool
	}{
		{name: "empty"},
		{name: "validate", rule: Rule{Validation: &Validation{}}, validate: true},
		{name: "mutate", rule: Rule{Mutation: &Mutation{}}, mutate: true},
		{name: "mutate existing", rule: Rule{Mutation: &Mutation{Targets: []TargetResourceSpec{{}}}}, mutate: true, existing: true},
		{name: "generate", rule: Rule{Generation: &Generation{}}, generate: true},
		{name: "verify images", rule: Rule{VerifyImages: []ImageVerification{{}}}, verify: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.validate, tt.rule.HasValidate())
			assert.Equal(t, tt.mutate, tt.rule.HasMutate())
			assert.Equal(t, tt.existing, tt.rule.HasMutateExisting())
			assert.Equal(t, tt.generate, tt.rule.HasGenerate())
			assert.Equal(t, tt.verify, tt.rule.HasVerifyImages())
		})
	}
}

package v1alpha1

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ValidationFailureAction says whether a failing validate rule blocks the
// request (Enforce) or is only reported (Audit). The lowercase spellings are
// accepted for compatibility and mean the same.
type ValidationFailureAction string

const (
	// Audit reports a violation without blocking the request.
	Audit ValidationFailureAction = "Audit"
	// Enforce blocks a request that violates the rule.
	Enforce ValidationFailureAction = "Enforce"
	// AuditLegacy is the deprecated lowercase spelling of Audit.
	AuditLegacy ValidationFailureAction = "audit"
	// EnforceLegacy is the deprecated lowercase spelling of Enforce.
	EnforceLegacy ValidationFailureAction = "enforce"
)

// IsEnforce reports whether the action blocks requests (Enforce or enforce).
func (a ValidationFailureAction) IsEnforce() bool {
	return a == Enforce || a == EnforceLegacy
}

// IsValid reports whether the action is one of the four accepted spellings.
func (a ValidationFailureAction) IsValid() bool {
	switch a {
	case Audit, Enforce, AuditLegacy, EnforceLegacy:
		return true
	}
	return false
}

// FailurePolicyType says what the API server does when the webhook fails.
// +kubebuilder:validation:Enum=Ignore;Fail
type FailurePolicyType string

const (
	// Ignore lets the request through when the policy cannot be evaluated.
	Ignore FailurePolicyType = "Ignore"
	// Fail rejects the request when the policy cannot be evaluated.
	Fail FailurePolicyType = "Fail"
)

// ApplyRulesType says whether evaluation stops after the first applied rule.
// +kubebuilder:validation:Enum=All;One
type ApplyRulesType string

const (
	// ApplyAll evaluates every matching rule.
	ApplyAll ApplyRulesType = "All"
	// ApplyOne stops after the first rule that matched and produced a result.
	ApplyOne ApplyRulesType = "One"
)

// ValidationFailureActionOverride sets the failure action for some namespaces.
type ValidationFailureActionOverride struct {
	// Action applied in the selected namespaces.
	// +kubebuilder:validation:Enum=audit;enforce;Audit;Enforce
	Action ValidationFailureAction `json:"action,omitempty"`

	// Namespaces are namespace names; wildcards are allowed.
	// +optional
	Namespaces []string `json:"namespaces,omitempty"`

	// NamespaceSelector selects namespaces by their labels.
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
}

// WebhookConfiguration tunes the admission webhook generated for a policy.
type WebhookConfiguration struct {
	// FailurePolicy applies when the policy cannot be evaluated. Defaults to Fail.
	// +optional
	FailurePolicy *FailurePolicyType `json:"failurePolicy,omitempty"`

	// TimeoutSeconds bounds one webhook call (1 to 30).
	// +optional
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty"`

	// MatchConditions are CEL expressions the API server checks before calling.
	// +optional
	MatchConditions []admissionregistrationv1.MatchCondition `json:"matchConditions,omitempty"`
}

// Spec holds the rules of a policy and its policy-wide settings.
type Spec struct {
	// Rules are evaluated in the order they are declared.
	// +optional
	Rules []Rule `json:"rules,omitempty"`

	// ApplyRules is One to stop after the first applied rule, All (default) otherwise.
	// +optional
	ApplyRules *ApplyRulesType `json:"applyRules,omitempty"`

	// FailurePolicy is deprecated: use webhookConfiguration.failurePolicy.
	// +optional
	FailurePolicy *FailurePolicyType `json:"failurePolicy,omitempty"`

	// ValidationFailureAction is deprecated: use validate.failureAction per rule.
	// +optional
	// +kubebuilder:validation:Enum=audit;enforce;Audit;Enforce
	ValidationFailureAction ValidationFailureAction `json:"validationFailureAction,omitempty"`

	// ValidationFailureActionOverrides is deprecated: use validate.failureActionOverrides.
	// +optional
	ValidationFailureActionOverrides []ValidationFailureActionOverride `json:"validationFailureActionOverrides,omitempty"`

	// EmitWarning returns admission warnings for audit failures and mutations.
	// +optional
	EmitWarning *bool `json:"emitWarning,omitempty"`

	// Admission applies the rules to admission requests. Defaults to true.
	// +optional
	// +kubebuilder:default=true
	Admission *bool `json:"admission,omitempty"`

	// Background applies the rules to existing resources in scans. Defaults to true.
	// +optional
	// +kubebuilder:default=true
	Background *bool `json:"background,omitempty"`

	// SchemaValidation is deprecated and ignored.
	// +optional
	SchemaValidation *bool `json:"schemaValidation,omitempty"`

	// WebhookTimeoutSeconds is deprecated: use webhookConfiguration.timeoutSeconds.
	// +optional
	WebhookTimeoutSeconds *int32 `json:"webhookTimeoutSeconds,omitempty"`

	// MutateExistingOnPolicyUpdate is deprecated: use mutate.mutateExistingOnPolicyUpdate.
	// +optional
	MutateExistingOnPolicyUpdate bool `json:"mutateExistingOnPolicyUpdate,omitempty"`

	// GenerateExistingOnPolicyUpdate is deprecated: use generate.generateExisting.
	// +optional
	GenerateExistingOnPolicyUpdate *bool `json:"generateExistingOnPolicyUpdate,omitempty"`

	// GenerateExisting is deprecated: use generate.generateExisting.
	// +optional
	GenerateExisting bool `json:"generateExisting,omitempty"`

	// UseServerSideApply makes generate rules apply resources server-side.
	// +optional
	UseServerSideApply bool `json:"useServerSideApply,omitempty"`

	// WebhookConfiguration tunes the admission webhook of this policy.
	// +optional
	WebhookConfiguration *WebhookConfiguration `json:"webhookConfiguration,omitempty"`
}

// BackgroundEnabled reports whether background scans apply (default true).
func (s *Spec) BackgroundEnabled() bool {
	return s.Background == nil || *s.Background
}

// AdmissionEnabled reports whether admission requests are evaluated (default true).
func (s *Spec) AdmissionEnabled() bool {
	return s.Admission == nil || *s.Admission
}

// EffectiveFailurePolicy returns webhookConfiguration.failurePolicy, else the
// deprecated failurePolicy, else Fail.
func (s *Spec) EffectiveFailurePolicy() FailurePolicyType {
	if s.WebhookConfiguration != nil && s.WebhookConfiguration.FailurePolicy != nil {
		return *s.WebhookConfiguration.FailurePolicy
	}
	if s.FailurePolicy != nil {
		return *s.FailurePolicy
	}
	return Fail
}

// EffectiveTimeoutSeconds returns webhookConfiguration.timeoutSeconds, else
// the deprecated webhookTimeoutSeconds, else nil (the server default).
func (s *Spec) EffectiveTimeoutSeconds() *int32 {
	if s.WebhookConfiguration != nil && s.WebhookConfiguration.TimeoutSeconds != nil {
		return s.WebhookConfiguration.TimeoutSeconds
	}
	return s.WebhookTimeoutSeconds
}

// EffectiveApplyRules returns applyRules, defaulting to All.
func (s *Spec) EffectiveApplyRules() ApplyRulesType {
	if s.ApplyRules == nil {
		return ApplyAll
	}
	return *s.ApplyRules
}

// FailureActionFor returns the failure action of a rule: its own
// validate.failureAction (or the first verifyImages[].failureAction), else the policy-wide
// validationFailureAction, else Audit.
func (s *Spec) FailureActionFor(r *Rule) ValidationFailureAction {
	if r.Validation != nil && r.Validation.FailureAction != nil {
		return *r.Validation.FailureAction
	}
	for _, iv := range r.VerifyImages {
		if iv.FailureAction != nil {
			return *iv.FailureAction
		}
	}
	if s.ValidationFailureAction != "" {
		return s.ValidationFailureAction
	}
	return Audit
}

// FailureActionOverridesFor returns the rule's own failureActionOverrides,
// else the policy-wide validationFailureActionOverrides.
func (s *Spec) FailureActionOverridesFor(r *Rule) []ValidationFailureActionOverride {
	if r.Validation != nil && len(r.Validation.FailureActionOverrides) > 0 {
		return r.Validation.FailureActionOverrides
	}
	return s.ValidationFailureActionOverrides
}

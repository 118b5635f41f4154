package v1

import admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

// AdmissionEnabled reports whether the policy runs at admission (default true).
func (s *MutatingPolicySpec) AdmissionEnabled() bool {
	e := s.EvaluationConfiguration
	return e == nil || e.Admission == nil || e.Admission.Enabled == nil || *e.Admission.Enabled
}

// BackgroundEnabled reports whether the policy runs in background scans (default true).
func (s *MutatingPolicySpec) BackgroundEnabled() bool {
	e := s.EvaluationConfiguration
	return e == nil || e.Background == nil || e.Background.Enabled == nil || *e.Background.Enabled
}

// MutateExistingEnabled reports whether the policy patches existing resources (default false).
func (s *MutatingPolicySpec) MutateExistingEnabled() bool {
	e := s.EvaluationConfiguration
	return e != nil && e.MutateExistingConfiguration != nil && e.MutateExistingConfiguration.Enabled != nil &&
		*e.MutateExistingConfiguration.Enabled
}

// EvaluationMode returns the evaluation mode (default Kubernetes).
func (s *MutatingPolicySpec) EvaluationMode() EvaluationMode {
	if s.EvaluationConfiguration == nil || s.EvaluationConfiguration.Mode == "" {
		return EvaluationModeKubernetes
	}
	return s.EvaluationConfiguration.Mode
}

// EffectiveFailurePolicy returns the failure policy (default Fail).
func (s *MutatingPolicySpec) EffectiveFailurePolicy() admissionregistrationv1.FailurePolicyType {
	if s.FailurePolicy == nil || *s.FailurePolicy == "" {
		return admissionregistrationv1.Fail
	}
	return *s.FailurePolicy
}

// EffectiveReinvocationPolicy returns the reinvocation policy (default Never).
func (s *MutatingPolicySpec) EffectiveReinvocationPolicy() admissionregistrationv1.ReinvocationPolicyType {
	if s.ReinvocationPolicy == "" {
		return admissionregistrationv1.NeverReinvocationPolicy
	}
	return s.ReinvocationPolicy
}

// TimeoutSeconds returns the webhook timeout, or nil for the default.
func (s *MutatingPolicySpec) TimeoutSeconds() *int32 {
	if s.WebhookConfiguration == nil {
		return nil
	}
	return s.WebhookConfiguration.TimeoutSeconds
}

// PodControllers returns the controllers mutations are generated for, and whether the list was written (nil and
// false: all controllers).
func (s *MutatingPolicySpec) PodControllers() ([]string, bool) {
	a := s.AutogenConfiguration
	if a == nil || a.PodControllers == nil || a.PodControllers.Controllers == nil {
		return nil, false
	}
	return a.PodControllers.Controllers, true
}

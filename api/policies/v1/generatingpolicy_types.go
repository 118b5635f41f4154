package v1

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Kind names of the generating policies.
const (
	GeneratingPolicyKind           = "GeneratingPolicy"
	NamespacedGeneratingPolicyKind = "NamespacedGeneratingPolicy"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=generatingpolicies,scope=Cluster,shortName=gpol,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// GeneratingPolicy creates resources when a trigger resource is admitted, with CEL expressions, cluster-wide.
type GeneratingPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec GeneratingPolicySpec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status GeneratingPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// GeneratingPolicyList is a list of GeneratingPolicy objects.
type GeneratingPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GeneratingPolicy `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=namespacedgeneratingpolicies,scope=Namespaced,shortName=ngpol,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// NamespacedGeneratingPolicy creates resources in its own namespace when a trigger of that namespace is admitted.
type NamespacedGeneratingPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec GeneratingPolicySpec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status GeneratingPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// NamespacedGeneratingPolicyList is a list of NamespacedGeneratingPolicy objects.
type NamespacedGeneratingPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NamespacedGeneratingPolicy `json:"items"`
}

// GeneratingPolicySpec is what a GeneratingPolicy or NamespacedGeneratingPolicy generates, and for which triggers.
type GeneratingPolicySpec struct {
	// MatchConstraints selects the trigger requests (resource rules, namespace and object selectors).
	// +optional
	MatchConstraints *admissionregistrationv1.MatchResources `json:"matchConstraints,omitempty"`

	// MatchConditions are CEL expressions a request must satisfy for the policy to apply.
	// +listType=map
	// +listMapKey=name
	// +optional
	MatchConditions []admissionregistrationv1.MatchCondition `json:"matchConditions,omitempty"`

	// Variables are named CEL expressions, available to later variables and generations as `variables.<name>`.
	// +listType=map
	// +listMapKey=name
	// +optional
	Variables []admissionregistrationv1.Variable `json:"variables,omitempty"`

	// EvaluationConfiguration says where the policy runs and how its downstream objects are kept.
	// +optional
	EvaluationConfiguration *GeneratingPolicyEvaluationConfiguration `json:"evaluation,omitempty"`

	// WebhookConfiguration sets the webhook timeout.
	// +optional
	WebhookConfiguration *WebhookConfiguration `json:"webhookConfiguration,omitempty"`

	// Generation lists what the policy generates: a CEL expression calling generator.Apply, or a YAML template.
	// +kubebuilder:validation:MinItems=1
	// +listType=atomic
	Generation []Generation `json:"generate"`

	// UseServerSideApply is Kyverno's switch for server-side apply; Bylaw always applies server-side.
	// +optional
	UseServerSideApply bool `json:"useServerSideApply,omitempty"`
}

// GeneratingPolicyEvaluationConfiguration says where a generating policy runs and how its downstream objects are
// kept.
type GeneratingPolicyEvaluationConfiguration struct {
	// Admission enables the policy at admission (default true).
	// +optional
	Admission *AdmissionConfiguration `json:"admission,omitempty"`

	// GenerateExistingConfiguration runs the policy for the triggers that existed before it (default false).
	// +optional
	GenerateExistingConfiguration *GenerateExistingConfiguration `json:"generateExisting,omitempty"`

	// SynchronizationConfiguration keeps the downstream objects in line with the policy and their sources
	// (default false).
	// +optional
	SynchronizationConfiguration *SynchronizationConfiguration `json:"synchronize,omitempty"`

	// OrphanDownstreamOnPolicyDelete leaves the downstream objects in place when the policy goes (default false).
	// +optional
	OrphanDownstreamOnPolicyDelete *OrphanDownstreamOnPolicyDeleteConfiguration `json:"orphanDownstreamOnPolicyDelete,omitempty"`

	// SkipBackgroundRequests is Kyverno's switch for requests of its background controller; Bylaw reads it and
	// records no such requests.
	// +optional
	SkipBackgroundRequests *bool `json:"skipBackgroundRequests,omitempty"`
}

// GenerateExistingConfiguration switches generation for existing triggers.
type GenerateExistingConfiguration struct {
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// SynchronizationConfiguration switches synchronisation of downstream objects.
type SynchronizationConfiguration struct {
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// OrphanDownstreamOnPolicyDeleteConfiguration switches orphaning of downstream objects when the policy goes.
type OrphanDownstreamOnPolicyDeleteConfiguration struct {
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// Generation is one entry of spec.generate: exactly one of Expression and Template.
type Generation struct {
	// Expression is a CEL expression that calls generator.Apply(namespace, [objects]).
	// +optional
	Expression string `json:"expression,omitempty"`

	// Template is a YAML description of the objects to generate.
	// +optional
	Template *GenerationTemplate `json:"template,omitempty"`
}

// InterpolationMode says whether a template's `(( ... ))` placeholders are evaluated.
type InterpolationMode string

// Interpolation modes.
const (
	// InterpolationModeNone keeps the template literal (the default).
	InterpolationModeNone InterpolationMode = "none"
	// InterpolationModeCEL evaluates each `(( expression ))` placeholder as CEL.
	InterpolationModeCEL InterpolationMode = "cel"
)

// GenerationTemplate is a YAML template of the objects to generate: one object per YAML document.
type GenerationTemplate struct {
	// Value is the YAML text, one or more documents, each a mapping describing an object.
	Value string `json:"value"`

	// Interpolate is none (default: the text is taken literally) or cel (placeholders `(( expression ))` are
	// evaluated: a whole-scalar placeholder is spliced as any value, one inside a string must give a scalar,
	// and `\((` writes a literal `((`).
	// +kubebuilder:validation:Enum=none;cel
	// +optional
	Interpolate InterpolationMode `json:"interpolate,omitempty"`
}

// GeneratingPolicyStatus is the observed state of a generating policy.
type GeneratingPolicyStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions are kstatus conditions (Ready, Reconciling, Stalled), read by Flux and Argo CD health checks.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ConditionStatus is Kyverno's status shape.
	// +optional
	ConditionStatus ConditionStatus `json:"conditionStatus,omitempty"`
}

// AdmissionEnabled reports whether the policy runs at admission (default true).
func (s *GeneratingPolicySpec) AdmissionEnabled() bool {
	e := s.EvaluationConfiguration
	return e == nil || e.Admission == nil || e.Admission.Enabled == nil || *e.Admission.Enabled
}

// GenerateExistingEnabled reports whether the policy runs for the triggers that existed before it (default false).
func (s *GeneratingPolicySpec) GenerateExistingEnabled() bool {
	e := s.EvaluationConfiguration
	return e != nil && e.GenerateExistingConfiguration != nil && isTrue(e.GenerateExistingConfiguration.Enabled)
}

// SynchronizationEnabled reports whether the downstream objects are kept in sync (default false).
func (s *GeneratingPolicySpec) SynchronizationEnabled() bool {
	e := s.EvaluationConfiguration
	return e != nil && e.SynchronizationConfiguration != nil && isTrue(e.SynchronizationConfiguration.Enabled)
}

// OrphanDownstreamOnPolicyDeleteEnabled reports whether the downstream objects stay when the policy goes (default
// false).
func (s *GeneratingPolicySpec) OrphanDownstreamOnPolicyDeleteEnabled() bool {
	e := s.EvaluationConfiguration
	return e != nil && e.OrphanDownstreamOnPolicyDelete != nil && isTrue(e.OrphanDownstreamOnPolicyDelete.Enabled)
}

// TimeoutSeconds returns the webhook timeout, or nil for the default.
func (s *GeneratingPolicySpec) TimeoutSeconds() *int32 {
	if s.WebhookConfiguration == nil {
		return nil
	}
	return s.WebhookConfiguration.TimeoutSeconds
}

func isTrue(b *bool) bool { return b != nil && *b }

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (p *GeneratingPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (p *GeneratingPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (p *NamespacedGeneratingPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (p *NamespacedGeneratingPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetSpec returns the spec both generating policy kinds share.
func (p *GeneratingPolicy) GetSpec() *GeneratingPolicySpec { return &p.Spec }

// GetSpec returns the spec both generating policy kinds share.
func (p *NamespacedGeneratingPolicy) GetSpec() *GeneratingPolicySpec { return &p.Spec }

// GetStatus returns the status both generating policy kinds share.
func (p *GeneratingPolicy) GetStatus() *GeneratingPolicyStatus { return &p.Status }

// GetStatus returns the status both generating policy kinds share.
func (p *NamespacedGeneratingPolicy) GetStatus() *GeneratingPolicyStatus { return &p.Status }

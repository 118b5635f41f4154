package v1alpha1

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// Validation checks a matching resource. One of pattern, anyPattern, deny,
// foreach, podSecurity, cel, manifests or assert is set.
type Validation struct {
	// FailureAction is Enforce to block violating requests or Audit to report them.
	// +optional
	// +kubebuilder:validation:Enum=Audit;Enforce
	FailureAction *ValidationFailureAction `json:"failureAction,omitempty"`

	// FailureActionOverrides set the failure action for some namespaces
	// (ClusterPolicy only).
	// +optional
	FailureActionOverrides []ValidationFailureActionOverride `json:"failureActionOverrides,omitempty"`

	// AllowExistingViolations lets an UPDATE through when the old object
	// already violated the rule. Defaults to true.
	// +optional
	AllowExistingViolations *bool `json:"allowExistingViolations,omitempty"`

	// Message is reported on failure; it may contain variables.
	// +optional
	Message string `json:"message,omitempty"`

	// Manifests verifies signed Kubernetes manifests.
	// +optional
	Manifests *Manifests `json:"manifests,omitempty"`

	// ForEach validates each element of one or more lists.
	// +optional
	ForEach []ForEachValidation `json:"foreach,omitempty"`

	// Pattern is an overlay the resource must match.
	// +optional
	Pattern *apiextv1.JSON `json:"pattern,omitempty"`

	// AnyPattern is a list of overlays; at least one must match.
	// +optional
	AnyPattern *apiextv1.JSON `json:"anyPattern,omitempty"`

	// Deny fails the rule when its conditions hold.
	// +optional
	Deny *Deny `json:"deny,omitempty"`

	// PodSecurity applies a Pod Security Standard level with exclusions.
	// +optional
	PodSecurity *PodSecurity `json:"podSecurity,omitempty"`

	// CEL validates with Common Expression Language expressions.
	// +optional
	CEL *CEL `json:"cel,omitempty"`

	// Assert is a kyverno-json assertion tree.
	// +optional
	Assert *apiextv1.JSON `json:"assert,omitempty"`
}

// AllowsExistingViolations reports whether pre-existing violations are let
// through on UPDATE (default true).
func (v *Validation) AllowsExistingViolations() bool {
	return v.AllowExistingViolations == nil || *v.AllowExistingViolations
}

// Deny fails a validation when its conditions hold.
type Deny struct {
	// Conditions is an object with any/all lists of conditions or, in the
	// legacy form, a plain list of conditions that must all hold. Use
	// AnyAllConditions to read it.
	// +optional
	Conditions *apiextv1.JSON `json:"conditions,omitempty"`
}

// AnyAllConditions decodes the deny conditions in either form; it returns nil
// when there are none.
func (d *Deny) AnyAllConditions() (*AnyAllConditions, error) {
	return DecodeConditions(d.Conditions)
}

// ForEachValidation validates each element of the list a JMESPath expression
// returns. The element is available as the variable element (and elementIndex).
type ForEachValidation struct {
	// List is a JMESPath expression returning the elements to check.
	// +optional
	List string `json:"list,omitempty"`

	// ElementScope makes the element the root of pattern checks (default true);
	// when false, patterns apply to request.object.
	// +optional
	ElementScope *bool `json:"elementScope,omitempty"`

	// Context declares variables evaluated for each element.
	// +optional
	Context []ContextEntry `json:"context,omitempty"`

	// Preconditions select the elements to check.
	// +optional
	Preconditions *AnyAllConditions `json:"preconditions,omitempty"`

	// Pattern is an overlay each element must match.
	// +optional
	Pattern *apiextv1.JSON `json:"pattern,omitempty"`

	// AnyPattern is a list of overlays; each element must match one.
	// +optional
	AnyPattern *apiextv1.JSON `json:"anyPattern,omitempty"`

	// Deny fails the rule when its conditions hold for an element.
	// +optional
	Deny *Deny `json:"deny,omitempty"`

	// ForEach is a nested loop over a list within each element.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	ForEach []ForEachValidation `json:"foreach,omitempty"`
}

// PodSecurity checks pods against a Pod Security Standard level.
type PodSecurity struct {
	// Level is privileged, baseline or restricted.
	// +kubebuilder:validation:Enum=privileged;baseline;restricted
	// +optional
	Level string `json:"level,omitempty"`

	// Version is a Kubernetes minor version such as v1.30, or latest (default).
	// +kubebuilder:validation:Pattern=`^(latest|v1\.[0-9]+)$`
	// +optional
	Version string `json:"version,omitempty"`

	// Exclude lists controls that are not enforced.
	// +optional
	Exclude []PodSecurityStandard `json:"exclude,omitempty"`
}

// PodSecurityStandard excludes one Pod Security Standard control, optionally
// only for some images and restricted-field values.
type PodSecurityStandard struct {
	// ControlName is the control's name, e.g. "Capabilities".
	ControlName string `json:"controlName"`

	// Images limit the exclusion to containers whose image matches; wildcards allowed.
	// +optional
	Images []string `json:"images,omitempty"`

	// RestrictedField is the field path the exclusion applies to.
	// +optional
	RestrictedField string `json:"restrictedField,omitempty"`

	// Values are the allowed values of the restricted field.
	// +optional
	Values []string `json:"values,omitempty"`
}

// CEL validates with Common Expression Language expressions, as a
// ValidatingAdmissionPolicy does.
type CEL struct {
	// Generate asks for a ValidatingAdmissionPolicy to be generated from the rule.
	// +optional
	Generate *bool `json:"generate,omitempty"`

	// Expressions must all evaluate to true.
	// +optional
	Expressions []admissionregistrationv1.Validation `json:"expressions,omitempty"`

	// ParamKind is the kind of the parameter resource.
	// +optional
	ParamKind *admissionregistrationv1.ParamKind `json:"paramKind,omitempty"`

	// ParamRef selects the parameter resource.
	// +optional
	ParamRef *admissionregistrationv1.ParamRef `json:"paramRef,omitempty"`

	// AuditAnnotations are added to the audit event of the request.
	// +optional
	AuditAnnotations []admissionregistrationv1.AuditAnnotation `json:"auditAnnotations,omitempty"`

	// Variables are named CEL expressions usable as variables.<name>.
	// +optional
	Variables []admissionregistrationv1.Variable `json:"variables,omitempty"`
}

// Manifests verifies signatures of Kubernetes manifests.
type Manifests struct {
	// Attestors are the required signers.
	// +optional
	Attestors []AttestorSet `json:"attestors,omitempty"`

	// AnnotationDomain of the signature annotations (default cosign.sigstore.dev).
	// +optional
	AnnotationDomain string `json:"annotationDomain,omitempty"`

	// IgnoreFields are fields not compared between manifest and resource.
	// +optional
	IgnoreFields []ObjectFieldBinding `json:"ignoreFields,omitempty"`

	// DryRun compares after a server-side dry run.
	// +optional
	DryRun DryRunOption `json:"dryRun,omitempty"`

	// Repository is an OCI repository holding the signed manifest bundle.
	// +optional
	Repository string `json:"repository,omitempty"`
}

// DryRunOption configures dry-run comparison of manifests.
type DryRunOption struct {
	// Enable turns the dry run on.
	// +optional
	Enable bool `json:"enable,omitempty"`

	// Namespace in which the dry run is made.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// ObjectFieldBinding lists fields ignored for some objects.
type ObjectFieldBinding struct {
	// Fields are field paths.
	// +optional
	Fields []string `json:"fields,omitempty"`

	// Objects the fields are ignored for.
	// +optional
	Objects []ObjectReference `json:"objects,omitempty"`
}

// ObjectReference identifies objects by group, version, kind, namespace and name.
type ObjectReference struct {
	// +optional
	Group string `json:"group,omitempty"`
	// +optional
	Version string `json:"version,omitempty"`
	// +optional
	Kind string `json:"kind,omitempty"`
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Result is the outcome of one check on the checked resources.
// +kubebuilder:validation:Enum=pass;fail;warn;error;skip
type Result string

// The outcomes of a result.
const (
	// ResultPass: the resource meets the rule.
	ResultPass Result = "pass"
	// ResultFail: the resource does not meet the rule.
	ResultFail Result = "fail"
	// ResultWarn: the resource does not meet a rule that is not scored.
	ResultWarn Result = "warn"
	// ResultError: the rule could not be evaluated.
	ResultError Result = "error"
	// ResultSkip: the rule was not applied (an exception, or preconditions not met).
	ResultSkip Result = "skip"
)

// ResultSeverity is how serious a failure of the check is.
// +kubebuilder:validation:Enum=critical;high;low;medium;info
type ResultSeverity string

// The severities of a result.
const (
	SeverityCritical ResultSeverity = "critical"
	SeverityHigh     ResultSeverity = "high"
	SeverityMedium   ResultSeverity = "medium"
	SeverityLow      ResultSeverity = "low"
	SeverityInfo     ResultSeverity = "info"
)

// ReportSummary counts the results of a report by outcome.
type ReportSummary struct {
	// Pass counts the results whose resources meet the rule.
	// +optional
	Pass int `json:"pass"`

	// Fail counts the results whose resources do not meet the rule.
	// +optional
	Fail int `json:"fail"`

	// Warn counts the failed results of rules that are not scored.
	// +optional
	Warn int `json:"warn"`

	// Error counts the results of rules that could not be evaluated.
	// +optional
	Error int `json:"error"`

	// Skip counts the results of rules that were not applied.
	// +optional
	Skip int `json:"skip"`
}

// ReportResult is the outcome of one rule of one policy on the checked resources.
type ReportResult struct {
	// Source names the engine that produced the result; it overrides the report's source.
	// +optional
	Source string `json:"source"`

	// Policy is the name of the policy ("namespace/name" for a namespaced policy).
	Policy string `json:"policy"`

	// Rule is the name of the rule within the policy.
	// +optional
	Rule string `json:"rule,omitempty"`

	// Category is the category of the policy.
	// +optional
	Category string `json:"category,omitempty"`

	// Severity is how serious a failure of the policy is.
	// +optional
	Severity ResultSeverity `json:"severity,omitempty"`

	// Timestamp is when the result was found.
	// +optional
	Timestamp metav1.Timestamp `json:"timestamp,omitempty"`

	// Result is the outcome of the rule.
	// +optional
	Result Result `json:"result,omitempty"`

	// Scored is true when the result counts towards compliance; a failure of an unscored rule is a warn.
	// +optional
	Scored bool `json:"scored,omitempty"`

	// Resources are the checked Kubernetes resources.
	// +optional
	Resources []corev1.ObjectReference `json:"resources,omitempty"`

	// ResourceSelector selects the checked resources by label, instead of Resources. When neither is set the
	// result applies to the report's scope.
	// +optional
	ResourceSelector *metav1.LabelSelector `json:"resourceSelector,omitempty"`

	// Message explains the result.
	// +optional
	Message string `json:"message,omitempty"`

	// Properties carry further information about the result.
	// +optional
	Properties map[string]string `json:"properties,omitempty"`
}

package v1alpha2

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PolicyResult is the outcome of one policy rule on the checked resources.
// +kubebuilder:validation:Enum=pass;fail;warn;error;skip
type PolicyResult string

// The outcomes of a result.
const (
	// ResultPass: the resource meets the rule.
	ResultPass PolicyResult = "pass"
	// ResultFail: the resource does not meet the rule.
	ResultFail PolicyResult = "fail"
	// ResultWarn: the resource does not meet a rule that is not scored.
	ResultWarn PolicyResult = "warn"
	// ResultError: the rule could not be evaluated.
	ResultError PolicyResult = "error"
	// ResultSkip: the rule was not applied (an exception, or preconditions not met).
	ResultSkip PolicyResult = "skip"
)

// PolicySeverity is how serious a failure of the policy is.
// +kubebuilder:validation:Enum=critical;high;low;medium;info
type PolicySeverity string

// The severities of a result.
const (
	SeverityCritical PolicySeverity = "critical"
	SeverityHigh     PolicySeverity = "high"
	SeverityMedium   PolicySeverity = "medium"
	SeverityLow      PolicySeverity = "low"
	SeverityInfo     PolicySeverity = "info"
)

// PolicyReportSummary counts the results of a report by outcome.
type PolicyReportSummary struct {
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

// Total returns the number of results the summary counts.
func (s PolicyReportSummary) Total() int { return s.Pass + s.Fail + s.Warn + s.Error + s.Skip }

// Add counts one result with outcome r; an unknown outcome is not counted.
func (s *PolicyReportSummary) Add(r PolicyResult) {
	switch r {
	case ResultPass:
		s.Pass++
	case ResultFail:
		s.Fail++
	case ResultWarn:
		s.Warn++
	case ResultError:
		s.Error++
	case ResultSkip:
		s.Skip++
	}
}

// PolicyReportResult is the outcome of one rule of one policy on the checked resources.
type PolicyReportResult struct {
	// Source names the policy engine that produced the result.
	// +optional
	Source string `json:"source"`

	// Policy is the name of the policy ("namespace/name" for a namespaced policy).
	Policy string `json:"policy"`

	// Rule is the name of the rule within the policy.
	// +optional
	Rule string `json:"rule,omitempty"`

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

	// Result is the outcome of the rule.
	// +optional
	Result PolicyResult `json:"result,omitempty"`

	// Scored is true when the result counts towards compliance; a failure of an unscored rule is a warn.
	// +optional
	Scored bool `json:"scored,omitempty"`

	// Properties carry further information about the result.
	// +optional
	Properties map[string]string `json:"properties,omitempty"`

	// Timestamp is when the result was found.
	// +optional
	Timestamp metav1.Timestamp `json:"timestamp,omitempty"`

	// Category is the category of the policy.
	// +optional
	Category string `json:"category,omitempty"`

	// Severity is how serious a failure of the policy is.
	// +optional
	Severity PolicySeverity `json:"severity,omitempty"`
}

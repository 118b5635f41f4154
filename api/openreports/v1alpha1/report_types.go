package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Report holds the results of policies (or other checks) on resources of one namespace.
//
// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:resource:path=reports,scope=Namespaced,shortName=reps
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=".scope.kind",priority=1
// +kubebuilder:printcolumn:name="Name",type=string,JSONPath=".scope.name",priority=1
// +kubebuilder:printcolumn:name="Pass",type=integer,JSONPath=".summary.pass"
// +kubebuilder:printcolumn:name="Fail",type=integer,JSONPath=".summary.fail"
// +kubebuilder:printcolumn:name="Warn",type=integer,JSONPath=".summary.warn"
// +kubebuilder:printcolumn:name="Error",type=integer,JSONPath=".summary.error"
// +kubebuilder:printcolumn:name="Skip",type=integer,JSONPath=".summary.skip"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=".metadata.creationTimestamp"
type Report struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Source names the engine that produced every result, when one did; a result's own source overrides it.
	// +optional
	Source string `json:"source"`

	// Scope is the object the report is about (a Namespace, a Deployment, a Node), when it is about one.
	// +optional
	Scope *corev1.ObjectReference `json:"scope,omitempty"`

	// ScopeSelector selects the objects the report is about by label; set at most one of Scope and ScopeSelector.
	// +optional
	ScopeSelector *metav1.LabelSelector `json:"scopeSelector,omitempty"`

	// Configuration states what the producer left out of the report (a contract with its readers).
	// +optional
	Configuration *ReportConfiguration `json:"configuration,omitempty"`

	// Summary counts the results by outcome.
	// +optional
	Summary ReportSummary `json:"summary,omitempty"`

	// Results are the outcomes of the policy rules.
	// +optional
	Results []ReportResult `json:"results,omitempty"`
}

// ReportList is a list of Reports.
//
// +kubebuilder:object:root=true
type ReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Report `json:"items"`
}

// ClusterReport holds the results of policies (or other checks) on cluster-scoped resources.
//
// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:resource:path=clusterreports,scope=Cluster,shortName=creps
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=".scope.kind",priority=1
// +kubebuilder:printcolumn:name="Name",type=string,JSONPath=".scope.name",priority=1
// +kubebuilder:printcolumn:name="Pass",type=integer,JSONPath=".summary.pass"
// +kubebuilder:printcolumn:name="Fail",type=integer,JSONPath=".summary.fail"
// +kubebuilder:printcolumn:name="Warn",type=integer,JSONPath=".summary.warn"
// +kubebuilder:printcolumn:name="Error",type=integer,JSONPath=".summary.error"
// +kubebuilder:printcolumn:name="Skip",type=integer,JSONPath=".summary.skip"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=".metadata.creationTimestamp"
type ClusterReport struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Source names the engine that produced every result, when one did; a result's own source overrides it.
	// +optional
	Source string `json:"source"`

	// Scope is the object the report is about (a Node, a Namespace), when it is about one.
	// +optional
	Scope *corev1.ObjectReference `json:"scope,omitempty"`

	// ScopeSelector selects the objects the report is about by label; set at most one of Scope and ScopeSelector.
	// +optional
	ScopeSelector *metav1.LabelSelector `json:"scopeSelector,omitempty"`

	// Configuration states what the producer left out of the report (a contract with its readers).
	// +optional
	Configuration *ReportConfiguration `json:"configuration,omitempty"`

	// Summary counts the results by outcome.
	// +optional
	Summary ReportSummary `json:"summary,omitempty"`

	// Results are the outcomes of the policy rules.
	// +optional
	Results []ReportResult `json:"results,omitempty"`
}

// ClusterReportList is a list of ClusterReports.
//
// +kubebuilder:object:root=true
type ClusterReportList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterReport `json:"items"`
}

// ReportConfiguration is what a producer tells the readers of a report about how it was cut down.
type ReportConfiguration struct {
	// Limits are the caps the producer applied.
	Limits Limits `json:"limits"`
}

// Limits are the caps a producer applied to a report.
type Limits struct {
	// MaxResults is the number of results the report holds at most.
	// +optional
	MaxResults int `json:"maxResults"`

	// StatusFilter lists the outcomes the report holds; the others were left out.
	// +optional
	StatusFilter []Result `json:"statusFilter,omitempty"`
}

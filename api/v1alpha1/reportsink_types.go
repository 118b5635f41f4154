package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,shortName=rsink,categories=bylaw
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.spec.git.url`
// +kubebuilder:printcolumn:name="Branch",type=string,JSONPath=`.spec.git.branch`
// +kubebuilder:printcolumn:name="Source",type=string,JSONPath=`.spec.sourceRef.name`
// +kubebuilder:printcolumn:name="Commit",type=string,JSONPath=`.status.lastCommit`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ReportSink commits the policy reports of the cluster to a branch of a git repository: one YAML file per namespace,
// one for cluster-scoped resources and a Markdown summary, in a commit only when their content changed. Bylaw reads
// ReportSinks in its own namespace only, beside their Secrets.
type ReportSink struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec says where the reports go and which results they hold.
	Spec ReportSinkSpec `json:"spec"`

	// Status is the observed state of the sink.
	// +optional
	Status ReportSinkStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ReportSinkList is a list of ReportSink objects.
type ReportSinkList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ReportSink `json:"items"`
}

// ReportSinkSpec says where the reports go and which results they hold.
// +kubebuilder:validation:XValidation:rule="duration(self.interval) >= duration('1s')",message="interval must be at least 1s"
type ReportSinkSpec struct {
	// Git is the repository, branch and folder the reports are committed to.
	Git GitReportTarget `json:"git"`

	// SourceRef names a GitSource in the sink's namespace: the reports then hold only the results of the policies
	// that source supplies. Without it, they hold the results of every policy.
	// +optional
	SourceRef *LocalObjectReference `json:"sourceRef,omitempty"`

	// Interval is the least time between two commits; changes within it are committed together at its end. The
	// sink also checks its branch once per interval.
	// +kubebuilder:default="1m"
	Interval metav1.Duration `json:"interval"`

	// Suspend stops committing; results keep accumulating in memory and are committed on resume.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// GitReportTarget is where in a git repository the reports are committed.
type GitReportTarget struct {
	// URL of the repository: https://, http:// or ssh://.
	// +kubebuilder:validation:Pattern=`^(https?|ssh)://`
	// +kubebuilder:validation:MaxLength=2048
	URL string `json:"url"`

	// Branch receives the commits; it is created (without history) when the repository has none of that name. It is
	// never force-pushed.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:XValidation:rule="!self.startsWith('-') && !self.contains('..') && !self.endsWith('/') && !self.endsWith('.lock')",message="not a valid branch name"
	Branch string `json:"branch"`

	// Path is the folder of the reports in the repository; Bylaw owns its content and replaces it on each commit.
	// Files outside it are kept.
	// +kubebuilder:default="reports"
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$`
	// +kubebuilder:validation:XValidation:rule="!self.split('/').exists(s, s == '.' || s == '..' || s == '.git')",message="path segments cannot be '.', '..' or '.git'"
	// +optional
	Path string `json:"path,omitempty"`

	// SecretRef names a Secret in the sink's namespace with the credentials, as for a GitSource: username and
	// password, or bearerToken (HTTPS); identity and known_hosts (SSH). The credentials need write access.
	// +optional
	SecretRef *LocalObjectReference `json:"secretRef,omitempty"`

	// Author of the commits (default Bylaw <bylaw@bylaw.dev>).
	// +kubebuilder:default={name: "Bylaw", email: "bylaw@bylaw.dev"}
	// +optional
	Author *CommitAuthor `json:"author,omitempty"`
}

// CommitAuthor is the author and committer of a commit.
type CommitAuthor struct {
	// +kubebuilder:default="Bylaw"
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	Name string `json:"name"`
	// +kubebuilder:default="bylaw@bylaw.dev"
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	Email string `json:"email"`
}

// ReportSinkStatus is the observed state of a ReportSink.
type ReportSinkStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, Reconciling (a change waits for the interval), Stalled (the spec cannot work).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// LastCommit is the commit of the branch that holds the reports last published (hex SHA-1), whether Bylaw made it
	// or found the content already there.
	// +optional
	LastCommit string `json:"lastCommit,omitempty"`

	// LastPushTime is when Bylaw last pushed a commit.
	// +optional
	LastPushTime *metav1.Time `json:"lastPushTime,omitempty"`

	// PolicyRevision names the sources and revisions of the policies in force at the last publication, as
	// "<source> <revision>" joined by ", " (policies supplied without a source are left out).
	// +optional
	PolicyRevision string `json:"policyRevision,omitempty"`

	// Failures counts the publications that failed in a row since the last success; their content is retried.
	// +optional
	Failures int64 `json:"failures,omitempty"`
}

// GetConditions returns the status conditions.
func (s *ReportSink) GetConditions() []metav1.Condition { return s.Status.Conditions }

// SetConditions replaces the status conditions.
func (s *ReportSink) SetConditions(c []metav1.Condition) { s.Status.Conditions = c }

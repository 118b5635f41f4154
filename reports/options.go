package reports

import "time"

// Names, labels, annotations and property keys of the reports.
const (
	// Source is the source of every result: the engine that produced it.
	Source = "bylaw"
	// PolicyReportName is the name of the PolicyReport (or openreports.io Report) in each namespace.
	PolicyReportName = "bylaw-polr"
	// ClusterPolicyReportName is the name of the ClusterPolicyReport (or openreports.io ClusterReport).
	ClusterPolicyReportName = "bylaw-cpolr"
	// ClusterScope is the namespace key of the ClusterPolicyReport in a Book.
	ClusterScope = ""

	// ManagedByLabel is set to Source on every report.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// HashAnnotation holds the content hash of a report (Report.Hash).
	HashAnnotation = "reports.bylaw.dev/content-hash"
	// DroppedAnnotation holds the number of results counted in the summary but left out of the report.
	DroppedAnnotation = "reports.bylaw.dev/dropped-results"

	// SeverityAnnotation and CategoryAnnotation are the policy annotations a result's severity and category come from.
	SeverityAnnotation = "policies.kyverno.io/severity"
	CategoryAnnotation = "policies.kyverno.io/category"
	// ScoredAnnotation set to "false" on a policy makes its failures unscored warnings.
	ScoredAnnotation = "policies.kyverno.io/scored"

	// PropertySource, PropertyRevision and PropertyDigest hold the policy's provenance in a result's properties.
	PropertySource   = "policySource"
	PropertyRevision = "revision"
	PropertyDigest   = "bundleDigest"
	// PropertyException names the PolicyException that turned a failure into a skip.
	PropertyException = "exception"
)

// Defaults of Options.
const (
	// DefaultMaxResults is the number of results a report holds at most.
	DefaultMaxResults = 1000
	// DefaultMaxBytes bounds the JSON size of a report's results, well under etcd's 1.5 MiB request limit.
	DefaultMaxBytes = 1 << 20
	// DefaultMessageLimit is the number of bytes a message keeps.
	DefaultMessageLimit = 512
)

// Options shape the reports of a Book. The zero value gives the defaults.
type Options struct {
	// MaxResults is the number of results a report holds at most: 0 means DefaultMaxResults, a negative number no cap.
	MaxResults int
	// MaxBytes bounds the JSON size of a report's results: 0 means DefaultMaxBytes, a negative number no cap.
	MaxBytes int
	// MessageLimit is the number of bytes a message keeps (cut at a character boundary, "..." appended): 0 means
	// DefaultMessageLimit, a negative number no limit.
	MessageLimit int
	// PassMessages keeps the messages of passing results; by default they are dropped.
	PassMessages bool
	// Now is the clock of result timestamps; nil means time.Now.
	Now func() time.Time
	// API is the API group of the report objects: WGPolicy (the default, also for "") or OpenReports.
	API API
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.MaxResults == 0 {
		o.MaxResults = DefaultMaxResults
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MessageLimit == 0 {
		o.MessageLimit = DefaultMessageLimit
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.API = o.API.orDefault()
	return o
}

// reportName returns the name of the report of namespace.
func reportName(namespace string) string {
	if namespace == ClusterScope {
		return ClusterPolicyReportName
	}
	return PolicyReportName
}

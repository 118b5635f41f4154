// Package reports is the report model of Bylaw: it turns engine results into wgpolicyk8s.io/v1alpha2 PolicyReports
// (one per namespace) and a ClusterPolicyReport (for cluster-scoped resources), or, with Options.API set to
// OpenReports, into openreports.io/v1alpha1 Reports and a ClusterReport with the same names and content (the
// report-level source "bylaw" added). It is pure: it writes nothing to the API server; the controller that applies
// the reports comes on top of it. The model's types are the wgpolicyk8s.io ones (Report.Summary, ResultsOf).
//
// A Book aggregates results. The scanner or the webhook hands it, per resource, the engine's PolicyResults and the
// resource's identity (Set replaces every result of the resource, Update only those of the policies given); Delete
// forgets a resource and DeletePolicy the results of a policy that left the snapshot. Changed returns the namespaces
// whose content changed since its last call, and Report builds the report of one namespace (ClusterScope for the
// cluster report) with a content hash, so a writer writes only when the hash differs from the one it last wrote.
//
// Each result carries the policy key, the rule, the outcome, the message, the severity and category of the policy's
// policies.kyverno.io/severity and policies.kyverno.io/category annotations, a reference to the resource, the time
// the outcome was first seen (kept while the outcome stays the same, so a re-scan does not change the content), the
// source "bylaw", and the policy's provenance (source, revision, bundle digest) as properties. A policy annotated
// policies.kyverno.io/scored: "false" reports its failures as warn, unscored.
//
// Reports are compact so that large clusters do not flood etcd: messages of passing results are dropped and other
// messages shortened; a report holds at most Options.MaxResults results and about Options.MaxBytes bytes of JSON.
// Beyond that, results are dropped (passes first, then skips, then warnings; failures and errors last) while the
// summary still counts every result, and the annotation reports.bylaw.dev/dropped-results says how many were left
// out. Results are ordered by policy, rule, then resource, so equal content gives equal bytes.
//
// The Book reports whatever results it is given: the caller chooses which policies and rules feed it (the scanner
// those with background: true, the webhook the Audit rules). Resources are found by UID; one without a UID (an
// object at mutating admission) is found by kind, namespace and name, so give a resource the same identity every
// time. Building a report costs time in proportion to the results of its namespace: a writer builds the namespaces
// Changed returns, at a bounded rate, rather than after every Set.
package reports

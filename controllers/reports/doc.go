// Package reports writes the PolicyReports and the ClusterPolicyReport of a reports.Book to the API server, or the
// openreports.io Reports and ClusterReport when the Book builds that API (reports.Options.API): the Writer takes the
// kinds it lists, applies and deletes from the Book, so both APIs share every step below.
//
// The Writer is a manager.Runnable that runs on the elected leader only. On an interval, or at once when poked (the
// scanner and the admission audit call Poke after they changed the Book), it takes the namespaces whose content
// changed (Book.Changed) and queues them. A worker builds the report of a queued namespace and compares its content
// hash with the one last written: an unchanged report is skipped, a changed one is applied with server-side apply
// (field owner "bylaw-reports", forced), so fields Bylaw no longer sets disappear, and an empty one is deleted. Writes
// and deletes share a token bucket, so a full scan of a large cluster does not flood the API server.
//
// At start the Writer lists the reports Bylaw manages (label app.kubernetes.io/managed-by=bylaw, metadata only) and
// reads their content-hash annotation, then queues every namespace the Book holds: a restarted process or a newly
// elected leader rewrites only the reports whose content differs. Once the producer says that its first full scan
// is in the Book (Options.Synced), the Writer deletes the reports of namespaces for which the Book holds no results,
// which covers resources deleted while Bylaw was down. From then on it also deletes the reports Bylaw manages in the
// other report API, left from a run with the other API; an API whose CRDs are not installed holds none.
//
// A failed write keeps its namespace queued with a per-namespace exponential backoff; nothing is dropped, and a
// retry always builds the namespace's current report. A namespace that is terminating is done: its report goes with
// it. A namespace that does not exist (yet) is retried, up to the longest backoff apart, for as long as the Book holds
// results for it; when they go, its empty report needs no delete.
package reports

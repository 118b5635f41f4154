// Package reportsink reconciles ReportSink objects: it commits the reports of a reports.Book to a branch of a git
// repository through reports/gitsink.
//
// A reconcile builds the reports (every policy's results, or with spec.sourceRef those of the policies one GitSource
// supplies), renders them, and publishes them when they differ from what this sink last published: the commit names
// the policy revisions in force (engine.Provenance of the policies in the policy.Store snapshot). Commits are at
// least spec.interval apart: a change within it waits (Reconciling=True) and is committed with later ones at its
// end. A failed publication sets Ready=False with the reason (Unreachable, PushRejected, AuthenticationFailed, ...)
// and counts in status.failures; it is retried with a capped exponential backoff. Nothing is lost meanwhile, since
// the Book still holds the results and the next attempt renders them again.
//
// The controller writes to a remote, so it runs on the leader only (leader election). A poller enqueues every sink
// when the Book's generation changed, so new results are published without waiting for the interval's resync.
package reportsink

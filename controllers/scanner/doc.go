// Package scanner evaluates existing resources against the policies in force, for the policy reports.
//
// The Scanner watches exactly the kinds that the validate rules of background policies (spec.background: true) match:
// the set follows the policy snapshot, a kind joining gets a watch and a scan, a kind leaving loses its watch and its
// results. Watches are metadata-only informers, so memory grows with the number of objects, not their size; the full
// object is read when it is evaluated: one GET for a change, a paged LIST for a scan of a kind.
//
// Three kinds of work share one bounded, rate-limited queue served by a few workers:
//   - incremental: an object created or changed is evaluated again; a deleted object's results are dropped at once;
//   - re-scan: a new snapshot re-evaluates every object of the kinds its added or changed policies match (the old
//     kinds of a changed policy too) and drops the results of removed policies;
//   - full scan: every watched kind is scanned again on an interval, which also repairs anything a missed event left.
//
// Results go to a reports.Book with Book.Update, policy by policy, so results the webhook recorded for admission-only
// policies are kept. The Scanner is a manager.Runnable that needs leader election: only the leader scans and writes.
// Synced reports when the first scan of every kind watched at start is in the Book, so that a report writer may then
// delete reports that no longer have results.
package scanner

// Package auditresults carries admission-only Audit results from the replicas that do not lead to the leader.
//
// Every replica answers admission requests, but only the leader keeps the policy reports (reports.Book). Results of
// background policies reach the leader's book through its scanner; results of admission-only policies
// (background: false) exist only at admission. A replica that does not lead records them as an AuditResult in
// Bylaw's namespace (Recorder); the leader's Reconciler puts them in its book and deletes the AuditResult. An
// AuditResult whose policies are not loaded yet is retried; results of policies no longer in force are dropped.
package auditresults

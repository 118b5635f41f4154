// Package cleanup is the cleanup controller: on each cleanup policy's cron schedule (DeletingPolicy,
// NamespacedDeletingPolicy) it lists the objects the policy's targets name, page by page, asks the engine
// (engine.Engine.Cleanup) whether each one is to be deleted, and deletes those with the policy's propagation policy,
// at a bounded rate, with preconditions on the object's UID and resourceVersion so that an object changed since it
// was evaluated is left alone.
//
// It runs on the elected leader only. A run that fell due while no replica led (the policy's
// status.lastExecutionTime, or its creation, is older than its last scheduled time) runs once when a replica takes
// the lead; missed runs are not repeated. Bylaw's own namespace is never touched unless the policy names it (a
// namespaced policy of that namespace, or a namespaceSelector on kubernetes.io/metadata.name). Before listing, the
// controller asks the API server (SelfSubjectAccessReview) whether it may list and delete each target: when it may
// not, the policy gets a Warning event and RBACPermissionsGranted=False instead of a silent skip.
//
// Each run records events (on the policy, and on every deleted object), Prometheus metrics
// (bylaw_cleanup_deleted_total, bylaw_cleanup_errors_total, bylaw_cleanup_last_run_timestamp_seconds) and, for a
// policy applied as a custom resource, status.lastExecutionTime.
package cleanup

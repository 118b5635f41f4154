// Package generate runs the generate and mutate-existing rules of policies outside admission, from durable
// GenerateRequests.
//
// The admission webhook records a GenerateRequest (see Recorder) for every policy whose generate or mutate-existing
// rules select an admitted object, on every replica. The Reconciler, on the leader only, processes each request as
// ordered steps with one deferred status patch: find the policy in the store's snapshot, load the trigger, create or
// update the downstream objects the rules ask for (server-side apply for synchronized rules, create-if-absent
// otherwise), patch the targets of mutate-existing rules, then delete the request. A failed request keeps its error
// in status and is retried with capped backoff, also after a restart.
//
// Downstream objects carry the labels app.kubernetes.io/managed-by=bylaw and generate.bylaw.dev/{policy,rule,
// trigger-uid,trigger-kind,trigger-namespace,trigger-name}, plus annotations with the exact policy key and trigger.
// Synchronized objects are watched: a deleted or changed one yields a Sync request for its trigger, so it is
// re-created or reverted; a deleted trigger takes its synchronized downstream with it. The sources of synchronized
// clone and cloneList rules are watched too (SourceWatcher): a created or changed source yields a Sync request for
// every trigger with downstream from the rule, so the copies follow it. Policy changes are watched (PolicyWatcher):
// rules with generateExisting (compiled into engine.GenerateRule) get requests for every existing trigger, changed
// synchronized policies a Sync request per trigger of their downstream, and a removed policy's synchronized
// downstream is deleted unless orphanDownstreamOnPolicyDelete is set.
package generate

// Package podsecurity evaluates Kyverno's validate.podSecurity rule: the Pod Security Standards checks of
// k8s.io/pod-security-admission at a level and version, minus the controls, containers and field values a policy
// excludes.
//
// Compile validates a rule and selects the PSA check functions once; Check.Evaluate reads the pod template of a Pod,
// a Pod controller or a CronJob from decoded JSON, runs the selected checks and then applies the exclusions the way
// Kyverno does: every failing check carries the offending fields (path, container, values); an exclude entry for
// the check's control removes the offences it covers, and a check is excused only when none remain.
//
// Semantics follow Kyverno v1.19 (pkg/pss): a pinned version runs every revision of a check up to that version,
// the restricted level also runs the baseline checks it overrides, an exclude without images is matched against
// the pod-level fields (and a stand-in container), an exclude with images against the matching containers only.
package podsecurity

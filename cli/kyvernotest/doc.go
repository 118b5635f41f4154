// Package kyvernotest reads and runs Kyverno CLI test suites (`kyverno-test.yaml`, schema cli.kyverno.io/v1alpha1)
// with the Bylaw engine, unchanged, scoring them the way the reference Kyverno CLI (v1.19) does.
//
// A suite names policy files, resource files and the expected result of policy rules on resources. Optional files
// carry values for variables (kind Values), the requesting user (kind UserInfo) and context data (kind Context).
// Run finds every suite under the paths it is given, evaluates each one and scores one row per expected result and
// listed resource:
//
//   - a rule is looked up by its name or the names autogen gives it (`autogen-<rule>`, `autogen-cronjob-<rule>`);
//   - a policy may be named `namespace/name`, a resource `name` or `namespace/name`;
//   - a resource that no rule of the policy selected (match did not select it, or exclude removed it) counts as a
//     `skip` result: the row passes when `skip` was expected (Kyverno v1.19 lets such rows pass whatever was
//     expected; Options.KyvernoScoring restores that);
//   - rows of policies.kyverno.io kinds and of rule types the engine does not evaluate yet are skipped with a reason;
//   - rows of a policy that failed to load fail with the load error as the reason.
//
// The Evaluator that applies a Values file to engine requests is shared with `bylaw apply`.
package kyvernotest

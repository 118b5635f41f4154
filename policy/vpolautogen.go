package policy

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

// Names of the generated variants of a ValidatingPolicy, the keys of its status.autogen.configs as Kyverno writes
// them: one variant for the controllers whose Pod template sits at spec.template, one for CronJobs.
const (
	AutogenConfigDefaults = "defaults"
	AutogenConfigCronJobs = "cronjobs"
)

// ValidatingRuleName is the rule name of every result of a ValidatingPolicy or NamespacedValidatingPolicy in
// Kyverno's reports (v1.16-v1.18): none, the policy being one rule. `kyverno test` does not compare rule names for
// these kinds (results carry isValidatingPolicy and match by policy name and resource kind).
const ValidatingRuleName = ""

// AutogenRuleName returns the rule name Kyverno gives the results of the generated variant config of a
// ValidatingPolicy: the same as the written policy's, ValidatingRuleName. The variant is evaluated as a copy of the
// policy with only its spec replaced, so its results keep the policy's name (and namespace, for a
// NamespacedValidatingPolicy); they differ from the Pod results only by the resource they name.
func AutogenRuleName(config string) string {
	_ = config
	return ValidatingRuleName
}

// AutogenValidatingControllers are the values of autogen.podControllers.controllers Kyverno knows, in its spelling
// (lower-case plural resource names); an absent list means all of them, an empty list none. ReplicationController
// is not among them, unlike ClusterPolicy autogen.
func AutogenValidatingControllers() []string {
	return []string{"cronjobs", "daemonsets", "deployments", "jobs", "replicasets", "statefulsets"}
}

// controllerTarget returns the resource a controller name stands for and the variant it belongs to; false for a
// name Kyverno does not know (ignored, as Kyverno ignores it).
func controllerTarget(name string) (policiesv1.Target, string, bool) {
	apps := func(resource, kind string) (policiesv1.Target, string, bool) {
		return policiesv1.Target{Group: "apps", Version: "v1", Resource: resource, Kind: kind}, AutogenConfigDefaults, true
	}
	switch name {
	case "daemonsets":
		return apps(name, "DaemonSet")
	case "deployments":
		return apps(name, "Deployment")
	case "replicasets":
		return apps(name, "ReplicaSet")
	case "statefulsets":
		return apps(name, "StatefulSet")
	case "jobs":
		return policiesv1.Target{Group: "batch", Version: "v1", Resource: name, Kind: "Job"}, AutogenConfigDefaults, true
	case "cronjobs":
		return policiesv1.Target{Group: "batch", Version: "v1", Resource: name, Kind: "CronJob"}, AutogenConfigCronJobs, true
	}
	return policiesv1.Target{}, "", false
}

// AutogenValidating returns the variants Kyverno generates of a ValidatingPolicy (or NamespacedValidatingPolicy)
// spec for Pod controllers, keyed by variant name, as Kyverno puts them in status.autogen.configs; nil when none.
//
// A spec is generated for only when its matchConstraints match exactly core v1 pods (see canAutogenValidating).
// autogen.podControllers.controllers picks the controllers (absent: all of AutogenValidatingControllers). Each
// variant's spec is the written spec with matchConstraints replaced by the variant's resources (the operations of
// the written rule kept) and every `object.spec`, `object.metadata`, `oldObject.spec` and `oldObject.metadata` in
// its text moved into the Pod template (see rewritePodPaths).
func AutogenValidating(spec *policiesv1.ValidatingPolicySpec) (map[string]policiesv1.ValidatingPolicyAutogen, error) {
	if spec == nil || !canAutogenValidating(spec.MatchConstraints) {
		return nil, nil
	}
	names, written := spec.PodControllers()
	if !written {
		names = AutogenValidatingControllers()
	}
	byConfig := map[string][]policiesv1.Target{}
	for _, name := range dedupe(names) {
		if target, config, ok := controllerTarget(name); ok {
			byConfig[config] = append(byConfig[config], target)
		}
	}
	if len(byConfig) == 0 {
		return nil, nil
	}
	out := make(map[string]policiesv1.ValidatingPolicyAutogen, len(byConfig))
	for config, targets := range byConfig {
		slices.SortFunc(targets, compareTargets)
		variant, err := autogenVariant(spec, config, targets)
		if err != nil {
			return nil, fmt.Errorf("autogen.podControllers: variant %s: %w", config, err)
		}
		out[config] = policiesv1.ValidatingPolicyAutogen{Targets: targets, Spec: variant}
	}
	return out, nil
}

// canAutogenValidating is Kyverno's CanAutoGen: the match names one resource rule for core v1 pods (no wildcard, no
// subresource, no resource names), with no namespace or object selector that selects anything and no exclusions.
func canAutogenValidating(match *admissionregistrationv1.MatchResources) bool {
	if match == nil || len(match.ExcludeResourceRules) != 0 || len(match.ResourceRules) != 1 {
		return false
	}
	for _, sel := range []*metav1.LabelSelector{match.NamespaceSelector, match.ObjectSelector} {
		if sel != nil && (len(sel.MatchLabels) > 0 || len(sel.MatchExpressions) > 0) {
			return false
		}
	}
	rule := match.ResourceRules[0]
	return len(rule.ResourceNames) == 0 &&
		slices.Equal(rule.APIGroups, []string{""}) &&
		slices.Equal(rule.APIVersions, []string{"v1"}) &&
		slices.Equal(rule.Resources, []string{"pods"})
}

// autogenVariant builds the spec of one variant: a copy of spec matching targets, its text rewritten into the Pod
// template path of config. The rewrite runs over the spec's JSON, so it reaches every string of the spec (validations,
// messages, message expressions, variables, match conditions, audit annotations) as Kyverno's does.
func autogenVariant(spec *policiesv1.ValidatingPolicySpec, config string, targets []policiesv1.Target) (*policiesv1.ValidatingPolicySpec, error) {
	variant := spec.DeepCopy()
	variant.MatchConstraints = controllerMatch(targets, spec.MatchConstraints.ResourceRules[0].Operations)
	raw, err := json.Marshal(variant)
	if err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	raw = rewritePodPaths(raw, config)
	out := &policiesv1.ValidatingPolicySpec{}
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, fmt.Errorf("decode rewritten spec: %w", err)
	}
	return out, nil
}

// controllerMatch returns the match of a variant: one resource rule per group and version, resources sorted, each
// with the written operations. Selectors, scope and matchPolicy are not carried over (the selectors were empty). With
// no operations there is no match at all, as in Kyverno: the variant then matches nothing.
func controllerMatch(targets []policiesv1.Target, ops []admissionregistrationv1.OperationType) *admissionregistrationv1.MatchResources {
	if len(targets) == 0 || len(ops) == 0 {
		return nil
	}
	type groupVersion struct{ group, version string }
	resources := map[groupVersion][]string{}
	var order []groupVersion
	for _, t := range targets {
		gv := groupVersion{t.Group, t.Version}
		if _, seen := resources[gv]; !seen {
			order = append(order, gv)
		}
		if !slices.Contains(resources[gv], t.Resource) {
			resources[gv] = append(resources[gv], t.Resource)
		}
	}
	slices.SortFunc(order, func(a, b groupVersion) int {
		return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.version, b.version))
	})
	match := &admissionregistrationv1.MatchResources{}
	for _, gv := range order {
		res := resources[gv]
		slices.Sort(res)
		match.ResourceRules = append(match.ResourceRules, admissionregistrationv1.NamedRuleWithOperations{
			RuleWithOperations: admissionregistrationv1.RuleWithOperations{
				Operations: slices.Clone(ops),
				Rule: admissionregistrationv1.Rule{
					APIGroups: []string{gv.group}, APIVersions: []string{gv.version}, Resources: res,
				},
			},
		})
	}
	return match
}

func compareTargets(a, b policiesv1.Target) int {
	return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version),
		cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Kind, b.Kind))
}

// dedupe returns names without repeats, in first-seen order (Kyverno reads the list as a set).
func dedupe(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

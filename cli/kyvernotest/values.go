package kyvernotest

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/bylaw-dev/bylaw/engine"
)

// The methods below apply Values the way the Kyverno CLI does. All are safe on a nil *Values.

// GlobalVariables returns globalValues, or nil.
func (v *Values) GlobalVariables() map[string]any {
	if v == nil || len(v.GlobalValues) == 0 {
		return nil
	}
	return v.GlobalValues
}

// policy returns the values of the named policy, or nil.
func (v *Values) policy(name string) *PolicyValues {
	if v == nil {
		return nil
	}
	for i := range v.Policies {
		if v.Policies[i].Name == name {
			return &v.Policies[i]
		}
	}
	return nil
}

// ResourceVariables returns the values for a resource (by name) under a policy: globalValues overridden by the
// policy's values for that resource, or nil when there are none.
func (v *Values) ResourceVariables(policy, resource string) map[string]any {
	vars, _ := v.resourceVariables(policy, resource)
	return vars
}

// resourceVariables is ResourceVariables; specific is false when the result is globalValues itself (the policy
// gives no values for the resource), so callers can reuse what they built from globalValues.
func (v *Values) resourceVariables(policy, resource string) (vars map[string]any, specific bool) {
	global := v.GlobalVariables()
	pv := v.policy(policy)
	if pv == nil {
		return global, false
	}
	var out map[string]any
	for _, r := range pv.Resources {
		if r.Name != resource || len(r.Values) == 0 {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(global)+len(r.Values))
			maps.Copy(out, global)
		}
		maps.Copy(out, r.Values)
	}
	if out == nil {
		return global, false
	}
	return out, true
}

// RuleVariables returns the values given for a rule of a policy, or nil. A rule is found by its own name or by the
// names autogen gives it, so values written for `check` also apply to `autogen-check`.
func (v *Values) RuleVariables(policy, rule string) map[string]any {
	pv := v.policy(policy)
	if i := pv.ruleIndex(rule); i >= 0 {
		return pv.Rules[i].Values
	}
	return nil
}

// ruleIndex returns the index of the rule values entry that applies to a rule (by name or autogen name) and has
// values, or -1.
func (pv *PolicyValues) ruleIndex(rule string) int {
	if pv == nil {
		return -1
	}
	for i, r := range pv.Rules {
		if ruleNameMatches(rule, r.Name) && len(r.Values) > 0 {
			return i
		}
	}
	return -1
}

// hasRuleVariables reports whether any rule of the policy has values.
func (v *Values) hasRuleVariables(policy string) bool {
	pv := v.policy(policy)
	if pv == nil {
		return false
	}
	for _, r := range pv.Rules {
		if len(r.Values) > 0 {
			return true
		}
	}
	return false
}

// NamespaceLabels returns the labels given for a namespace: from namespaces (which take precedence) or
// namespaceSelector entries. It returns nil when the namespace is not described.
func (v *Values) NamespaceLabels(namespace string) map[string]string {
	if v == nil || namespace == "" {
		return nil
	}
	for _, n := range v.Namespaces {
		if n.Metadata.Name == namespace {
			return n.Metadata.Labels
		}
	}
	for _, n := range v.NamespaceSelectors {
		if n.Name == namespace {
			return n.Labels
		}
	}
	return nil
}

// SubresourceOf tells, when a values file maps the object's apiVersion and kind to a subresource of a parent
// resource, the subresource ("scale", "status") and the parent's kind: the Kyverno CLI matches such an object as the
// parent kind with that subresource ("Deployment/scale"), as admission matches a subresource request.
func (v *Values) SubresourceOf(apiVersion, kind string) (sub string, parent engine.GroupVersionKind, ok bool) {
	if v == nil {
		return "", engine.GroupVersionKind{}, false
	}
	group, version := splitAPIVersion(apiVersion)
	for _, s := range v.Subresources {
		sr := s.Subresource
		if sr.Kind != kind || sr.Group != group || sr.Version != version {
			continue
		}
		if _, sub, ok := strings.Cut(sr.Name, "/"); ok {
			pr := s.ParentResource
			return sub, engine.GroupVersionKind{Group: pr.Group, Version: pr.Version, Kind: pr.Kind}, true
		}
	}
	return "", engine.GroupVersionKind{}, false
}

// ruleNameMatches reports whether a rule result name is the named rule or one of its autogen forms.
func ruleNameMatches(resultRule, rule string) bool {
	return resultRule == rule || resultRule == "autogen-"+rule || resultRule == "autogen-cronjob-"+rule
}

func splitAPIVersion(apiVersion string) (group, version string) {
	if g, v, ok := strings.Cut(apiVersion, "/"); ok {
		return g, v
	}
	return "", apiVersion
}

// ErrSetValue is returned by ParseSetValues for an argument that is not key=value.
var ErrSetValue = errors.New("want key=value")

// ParseSetValues parses `--set` arguments into variables, as the Kyverno CLI does: each argument is key=value (the
// value may hold further '='), or several such pairs separated by commas; values stay strings. A later key wins. It
// returns nil for no arguments.
func ParseSetValues(args []string) (map[string]any, error) {
	var out map[string]any
	for _, arg := range args {
		for pair := range strings.SplitSeq(arg, ",") {
			key, value, ok := strings.Cut(pair, "=")
			key = strings.TrimSpace(key)
			if !ok || key == "" {
				return nil, fmt.Errorf("--set %q: %w", pair, ErrSetValue)
			}
			if out == nil {
				out = make(map[string]any, len(args))
			}
			out[key] = value
		}
	}
	return out, nil
}

// WithGlobalValues returns values whose globalValues are v's overridden by set, so set applies to every policy and
// resource and wins over the values file; a policy's values for a resource or a rule still win over both, as they
// win over globalValues. v is not written: it is returned as is when set is empty, and copied otherwise (a nil v
// gives values holding set alone).
func (v *Values) WithGlobalValues(set map[string]any) *Values {
	if len(set) == 0 {
		return v
	}
	var out Values
	if v != nil {
		out = *v
	}
	out.GlobalValues = make(map[string]any, len(out.GlobalValues)+len(set))
	maps.Copy(out.GlobalValues, v.GlobalVariables())
	maps.Copy(out.GlobalValues, set)
	return &out
}

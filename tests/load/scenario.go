package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/bylaw-dev/bylaw/policy"
)

// Scenario names.
const (
	scenarioPodSecurity = "pod-security"
	scenarioVPol        = "pod-security-vpol"
	scenarioPlus50      = "pod-security+50"
	scenarioMutate      = "mutate"
	scenarioContext     = "context"
)

// extraPolicies is the number of corpus policies scenarioPlus50 adds.
const extraPolicies = 50

// scenarioNames returns every scenario, in the order "all" runs them.
func scenarioNames() []string {
	return []string{scenarioPodSecurity, scenarioVPol, scenarioPlus50, scenarioMutate, scenarioContext}
}

// pickScenarios resolves the -scenario flag: "all" or a comma-separated list of names.
func pickScenarios(flag string) ([]string, error) {
	if flag == "all" || flag == "" {
		return scenarioNames(), nil
	}
	var out []string
	for _, name := range strings.Split(flag, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(scenarioNames(), name) {
			return nil, fmt.Errorf("unknown scenario %q (want all or some of %s)", name, strings.Join(scenarioNames(), ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

// Scenario is one policy set under load.
type Scenario struct {
	Name     string
	Policies []policyDoc
	// Path is the webhook path the webhook mode posts to: that of the first policy.
	Path string
	// ContextData says the scenario reads the ConfigMap the cluster set-up creates.
	ContextData bool
}

// buildScenario loads the policies of a scenario from the corpus (or tests/load/testdata) and, with enforce, turns
// every validate policy into an Enforce (Deny) one, so that violating Pods are denied.
func buildScenario(loader *policy.Loader, name, corpus, testdata string, enforce bool) (*Scenario, error) {
	podSecurity := filepath.Join(corpus, "pod-security")
	var docs []policyDoc
	var err error
	switch name {
	case scenarioPodSecurity:
		docs, err = loadDocs(loader, podSecurity)
	case scenarioVPol:
		docs, err = loadDocs(loader, filepath.Join(corpus, "pod-security-vpol"))
	case scenarioPlus50:
		docs, err = plus(loader, corpus, podSecurity, extraPolicies)
	case scenarioMutate:
		docs, err = loadDocs(loader, filepath.Join(corpus, "other", "add-default-securitycontext"))
	case scenarioContext:
		docs, err = loadDocs(loader, filepath.Join(testdata, "context-policy.yaml"))
	default:
		err = fmt.Errorf("unknown scenario %q", name)
	}
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", name, err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("scenario %s: no policies found (is the corpus %s?)", name, corpus)
	}
	if enforce {
		for _, d := range docs {
			enforceObject(d.Object)
		}
	}
	return &Scenario{Name: name, Policies: docs, Path: docs[0].path(), ContextData: name == scenarioContext}, nil
}

// plus returns the pod-security set and n other corpus policies that validate Pods on the same webhook path.
func plus(loader *policy.Loader, corpus, podSecurity string, n int) ([]policyDoc, error) {
	base, err := loadDocs(loader, podSecurity)
	if err != nil || len(base) == 0 {
		return base, err
	}
	var names []string
	for _, d := range base {
		names = append(names, d.Object.GetName())
	}
	extra, err := selectExtra(loader, corpus, []string{"pod-security"}, names, base[0].path(), n)
	if err != nil {
		return nil, err
	}
	if len(extra) < n {
		return nil, fmt.Errorf("only %d corpus policies qualify as the %d extra ones", len(extra), n)
	}
	return append(base, extra...), nil
}

// enforceObject makes a policy object deny what it does not allow: a ClusterPolicy gets validationFailureAction
// Enforce and loses per-rule failureAction settings and namespace overrides; a ValidatingPolicy gets
// validationActions [Deny].
func enforceObject(u *unstructured.Unstructured) {
	switch u.GetKind() {
	case "ValidatingPolicy":
		_ = unstructured.SetNestedStringSlice(u.Object, []string{"Deny"}, "spec", "validationActions")
	default:
		unstructured.RemoveNestedField(u.Object, "spec", "validationFailureActionOverrides")
		rules, _, _ := unstructured.NestedSlice(u.Object, "spec", "rules")
		hasValidate := false
		for _, r := range rules {
			m, ok := r.(map[string]any)
			if v, isMap := m["validate"].(map[string]any); ok && isMap {
				hasValidate = true
				delete(v, "failureAction")
				delete(v, "failureActionOverrides")
			}
		}
		if hasValidate {
			_ = unstructured.SetNestedSlice(u.Object, rules, "spec", "rules")
			_ = unstructured.SetNestedField(u.Object, "Enforce", "spec", "validationFailureAction")
		}
	}
}

// clusterObject returns the object to create in the cluster: Kyverno's kyverno.io/v1 ClusterPolicy becomes Bylaw's
// bylaw.dev/v1alpha1 one (the same spec); ValidatingPolicies are served under their own group.
func clusterObject(u *unstructured.Unstructured) *unstructured.Unstructured {
	out := u.DeepCopy()
	if out.GetKind() == "ClusterPolicy" {
		out.SetAPIVersion("bylaw.dev/v1alpha1")
	}
	return out
}

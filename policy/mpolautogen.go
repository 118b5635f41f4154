package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

// AutogenMutating returns the variants Kyverno generates of a MutatingPolicy (or NamespacedMutatingPolicy) spec for
// Pod controllers, keyed by variant name (AutogenConfigDefaults, AutogenConfigCronJobs), as Kyverno puts them in
// status.autogen.configs; nil when none.
//
// As for a ValidatingPolicy, a spec is generated for only when its matchConstraints match exactly core v1 pods, and
// autogen.podControllers.controllers picks the controllers (absent: all of AutogenValidatingControllers; empty:
// none). Each variant's matchConstraints name the controllers' resources with the written operations, and its
// ApplyConfiguration expressions are moved into the Pod template as Kyverno moves them (see rewriteApplyConfiguration).
//
// Two differences from Kyverno, both so that a variant never patches a controller at a Pod's paths: a spec with a
// JSONPatch mutation gets no variants (its paths are strings Kyverno leaves as written, so a variant would patch
// /spec/... of the controller), and the match conditions and variables are moved into the Pod template as a
// ValidatingPolicy's are (Kyverno v1.16+ leaves them as written, so they read the controller's spec).
func AutogenMutating(spec *policiesv1.MutatingPolicySpec) (map[string]policiesv1.MutatingPolicyAutogen, error) {
	if spec == nil || !canAutogenValidating(spec.MatchConstraints) || hasJSONPatchMutation(spec.Mutations) {
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
	out := make(map[string]policiesv1.MutatingPolicyAutogen, len(byConfig))
	for config, targets := range byConfig {
		slices.SortFunc(targets, compareTargets)
		variant, err := mutatingVariant(spec, config, targets)
		if err != nil {
			return nil, fmt.Errorf("autogen.podControllers: variant %s: %w", config, err)
		}
		out[config] = policiesv1.MutatingPolicyAutogen{Targets: targets, Spec: variant}
	}
	return out, nil
}

func hasJSONPatchMutation(muts []admissionregistrationv1alpha1.Mutation) bool {
	return slices.ContainsFunc(muts, func(m admissionregistrationv1alpha1.Mutation) bool {
		return m.PatchType == admissionregistrationv1alpha1.PatchTypeJSONPatch
	})
}

// mutatingVariant builds the spec of one variant: a copy of spec matching targets, its match conditions and
// variables rewritten by rewritePodPaths, its ApplyConfiguration expressions by rewriteApplyConfiguration.
func mutatingVariant(spec *policiesv1.MutatingPolicySpec, config string, targets []policiesv1.Target) (*policiesv1.MutatingPolicySpec, error) {
	variant := spec.DeepCopy()
	variant.MatchConstraints = controllerMatch(targets, spec.MatchConstraints.ResourceRules[0].Operations)
	for i := range variant.MatchConditions {
		variant.MatchConditions[i].Expression = string(rewritePodPaths([]byte(variant.MatchConditions[i].Expression), config))
	}
	for i := range variant.Variables {
		variant.Variables[i].Expression = string(rewritePodPaths([]byte(variant.Variables[i].Expression), config))
	}
	for i, m := range variant.Mutations {
		if m.ApplyConfiguration == nil {
			continue
		}
		expr, err := rewriteApplyConfiguration(m.ApplyConfiguration.Expression, config)
		if err != nil {
			return nil, fmt.Errorf("mutations[%d].applyConfiguration.expression: %w", i, err)
		}
		variant.Mutations[i].ApplyConfiguration.Expression = expr
	}
	// a JSON round trip drops what DeepCopy shares with the written spec's maps (none today), keeping variants
	// independent of later changes to the written spec.
	raw, err := json.Marshal(variant)
	if err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	out := &policiesv1.MutatingPolicySpec{}
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(out); err != nil {
		return nil, fmt.Errorf("decode spec: %w", err)
	}
	return out, nil
}

// rewriteApplyConfiguration moves an ApplyConfiguration expression written for a Pod into the Pod template of
// variant config, as Kyverno's MutatingPolicy autogen does: `object.spec` and `Object.spec` become the template's
// spec (`object.spec.template.spec`), and an expression that is one `Object{...}` literal gets its fields wrapped
// in the template (`Object{spec: Object.spec{template: Object.spec.template{...}}}`). So that the wrapped fields keep
// type names that follow their paths, `Object.metadata` becomes the template's metadata type too, and so do
// `object.metadata.labels` and `object.metadata.annotations` (the Pod's labels are the template's).
func rewriteApplyConfiguration(expr, config string) (string, error) {
	spec, metadata := podTemplatePaths(config)
	for _, r := range [][2]string{
		{"object.spec", "object." + spec}, {"Object.spec", "Object." + spec},
		{"object.metadata.labels", "object." + metadata + ".labels"},
		{"object.metadata.annotations", "object." + metadata + ".annotations"},
		{"Object.metadata", "Object." + metadata},
	} {
		expr = strings.ReplaceAll(expr, r[0], r[1])
	}
	trimmed := strings.TrimSpace(expr)
	if !strings.HasPrefix(trimmed, "Object{") {
		return expr, nil
	}
	inner, rest, ok := literalBody(trimmed[len("Object{"):])
	if !ok {
		return "", fmt.Errorf("unbalanced braces in the Object literal")
	}
	open, closing := templateWrapper(config)
	return open + inner + closing + rest, nil
}

// literalBody splits the text after an opening brace into the literal's body and what follows its closing brace.
// Braces inside string literals are not counted.
func literalBody(s string) (body, rest string, ok bool) {
	depth := 1
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return s[:i], s[i+1:], true
			}
		}
	}
	return "", "", false
}

// templateWrapper returns the Object literal that opens the Pod template of variant config, and its closing braces.
func templateWrapper(config string) (string, string) {
	if config == AutogenConfigCronJobs {
		return "Object{spec: Object.spec{jobTemplate: Object.spec.jobTemplate{spec: Object.spec.jobTemplate.spec{" +
			"template: Object.spec.jobTemplate.spec.template{", "}}}}}"
	}
	return "Object{spec: Object.spec{template: Object.spec.template{", "}}}"
}

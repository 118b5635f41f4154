package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// Source is a policy as the loader read it: its identity and spec (autogen rules already added).
type Source struct {
	Kind        string // ClusterPolicy or Policy
	Name        string
	Namespace   string
	Annotations map[string]string
	Spec        *v1alpha1.Spec
}

// Compile turns a policy into its evaluation program. Every error names the rule and the field; all are returned
// joined, so a policy author sees every problem at once.
func (e *Engine) Compile(src Source) (*Policy, error) {
	p := &Policy{
		Kind:        src.Kind,
		Name:        src.Name,
		Namespace:   src.Namespace,
		Annotations: src.Annotations,
		Action:      normalizeAction(src.Spec.ValidationFailureAction),
		Background:  src.Spec.BackgroundEnabled(),
		ApplyOne:    src.Spec.EffectiveApplyRules() == v1alpha1.ApplyOne,
		overrides:   compileOverrides(src.Spec.ValidationFailureActionOverrides),
		Admission:   src.Spec.AdmissionEnabled(),
		Webhook:     webhookOf(src.Spec),
	}
	var errs []error
	for i := range src.Spec.Rules {
		r, err := e.compileRule(&src.Spec.Rules[i], src.Spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("spec.rules[%d] (%s): %w", i, src.Spec.Rules[i].Name, err))
			continue
		}
		if r.Scope, err = scopeOf(&src.Spec.Rules[i]); err != nil {
			errs = append(errs, fmt.Errorf("spec.rules[%d] (%s): %w", i, src.Spec.Rules[i].Name, err))
			continue
		}
		r.stages = stagesOf(p, r)
		p.stages |= r.stages
		p.Rules = append(p.Rules, r)
		p.hasGenerate = p.hasGenerate || r.generate != nil
		p.hasMutate = p.hasMutate || r.mutate != nil
	}
	errs = append(errs, confineSpec(src)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func normalizeAction(a v1alpha1.ValidationFailureAction) Action {
	if strings.EqualFold(string(a), string(ActionEnforce)) {
		return ActionEnforce
	}
	return ActionAudit
}

func compileOverrides(list []v1alpha1.ValidationFailureActionOverride) []actionOverride {
	out := make([]actionOverride, 0, len(list))
	for _, o := range list {
		out = append(out, actionOverride{action: normalizeAction(o.Action), namespaces: o.Namespaces})
	}
	return out
}

func (e *Engine) compileRule(r *v1alpha1.Rule, spec *v1alpha1.Spec) (*Rule, error) {
	out := &Rule{Name: r.Name, Type: ruleType(r), Autogen: autogenSource(r.Name),
		passMessage: fmt.Sprintf("validation rule '%s' passed.", r.Name),
		action:      normalizeAction(spec.FailureActionFor(r)),
		overrides:   compileOverrides(spec.FailureActionOverridesFor(r))}
	var err error
	if out.match, err = compileMatch(&r.MatchResources); err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	if r.ExcludeResources != nil {
		if out.exclude, err = compileMatch(r.ExcludeResources); err != nil {
			return nil, fmt.Errorf("exclude: %w", err)
		}
	}
	if out.context, err = e.compileContext(r.Context); err != nil {
		return nil, err
	}
	if len(r.CELPreconditions) > 0 {
		c, err := e.cel.get()
		if err != nil {
			return nil, fmt.Errorf("celPreconditions: CEL environment: %w", err)
		}
		if out.celMatch, err = c.CompilePreconditions(r.CELPreconditions); err != nil {
			return nil, err
		}
	}
	conds, err := r.PreconditionsAnyAll()
	if err != nil {
		return nil, fmt.Errorf("preconditions: %w", err)
	}
	if out.preconditions, err = e.compileConditions(conds); err != nil {
		return nil, fmt.Errorf("preconditions: %w", err)
	}
	if r.Generation != nil {
		if out.generate, err = e.compileGenerate(r.Generation, spec); err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		return out, nil
	}
	if typ, reason := unsupportedReason(r); reason != "" {
		out.unsupported = &UnsupportedRule{Rule: r.Name, Type: typ, Reason: reason}
		return out, nil
	}
	if r.Mutation != nil {
		if out.mutate, err = e.compileMutate(r.Mutation); err != nil {
			return nil, fmt.Errorf("mutate: %w", err)
		}
		return out, nil
	}
	if out.validate, err = e.compileValidation(r.Validation); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	return out, nil
}

func ruleType(r *v1alpha1.Rule) RuleType {
	switch {
	case r.Mutation != nil:
		return RuleMutate
	case r.Generation != nil:
		return RuleGenerate
	case len(r.VerifyImages) > 0:
		return RuleVerifyImages
	}
	return RuleValidate
}

// unsupportedReason says which rule type the engine cannot evaluate yet and why, or "" when it can.
func unsupportedReason(r *v1alpha1.Rule) (typ, reason string) {
	notYet := func(typ string) (string, string) {
		return typ, "rule type " + typ + " is not supported by this engine yet"
	}
	switch ruleType(r) {
	case RuleMutate:
		return "", ""
	case RuleVerifyImages:
		return notYet("verifyImages")
	}
	v := r.Validation
	switch {
	case v == nil:
		return "none", "rule has no validate, mutate, generate or verifyImages block"
	case v.Manifests != nil:
		return notYet("validate.manifests")
	case v.Assert != nil:
		return notYet("validate.assert")
	}
	return "", ""
}

func autogenSource(name string) string {
	for _, prefix := range []string{"autogen-cronjob-", "autogen-"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			return rest
		}
	}
	return ""
}

func compileMatch(m *v1alpha1.MatchResources) (*match.Matcher, error) {
	c := match.Criteria{Any: toFilters(m.Any), All: toFilters(m.All)}
	if len(c.Any) == 0 && len(c.All) == 0 && !(m.UserInfo.IsEmpty() && m.ResourceDescription.IsEmpty()) {
		c.All = []match.Filter{toFilter(m.UserInfo, m.ResourceDescription)}
	}
	return match.Compile(c)
}

func toFilters(fs v1alpha1.ResourceFilters) []match.Filter {
	out := make([]match.Filter, 0, len(fs))
	for _, f := range fs {
		out = append(out, toFilter(f.UserInfo, f.ResourceDescription))
	}
	return out
}

func toFilter(u v1alpha1.UserInfo, d v1alpha1.ResourceDescription) match.Filter {
	f := match.Filter{
		Kinds: d.Kinds, Name: d.Name, Names: d.Names, Namespaces: d.Namespaces, Annotations: d.Annotations,
		Selector: d.Selector, NamespaceSelector: d.NamespaceSelector,
		Roles: u.Roles, ClusterRoles: u.ClusterRoles,
	}
	for _, op := range d.Operations {
		f.Operations = append(f.Operations, string(op))
	}
	for _, s := range u.Subjects {
		f.Subjects = append(f.Subjects, match.Subject{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace, APIGroup: s.APIGroup})
	}
	return f
}

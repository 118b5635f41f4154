package kyvernotest

import (
	"context"
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/engine"
)

// Outcome is how a row was scored.
type Outcome string

// Row outcomes: the expectation was met, was not met, or was not evaluated.
const (
	OutcomePass Outcome = "pass"
	OutcomeFail Outcome = "fail"
	OutcomeSkip Outcome = "skip"
)

// Row is one scored expectation: one result entry, on one resource, for one rule result.
type Row struct {
	Policy   string  `json:"policy"`
	Rule     string  `json:"rule,omitempty"`
	Resource string  `json:"resource"`
	Expected string  `json:"expected"`
	Actual   string  `json:"actual,omitempty"`
	Outcome  Outcome `json:"result"`
	Reason   string  `json:"reason"`
}

// scoring selects how rows are judged.
type scoring struct {
	// kyverno reproduces Kyverno v1.19: a row expecting fail, and a row whose resource no rule selected, pass
	// whatever the actual result.
	kyverno bool
}

// target is one resource a result entry lists: by reference ("name" or "namespace/name") or by spec.
type target struct {
	ref  string
	spec *ResourceSpec
}

func (t target) display(kind string) string {
	if t.spec != nil {
		return strings.Trim(t.spec.Kind+"/"+t.spec.Namespace+"/"+t.spec.Name, "/")
	}
	return kind + "/" + t.ref
}

func (e *Result) targets() []target {
	var out []target
	for _, ref := range e.ResourceRefs() {
		out = append(out, target{ref: ref})
	}
	for i := range e.Specs {
		out = append(out, target{spec: &e.Specs[i]})
	}
	return out
}

// score scores every result entry of the suite.
func (s *suite) score(ctx context.Context, sc scoring) []Row {
	var rows []Row
	for i := range s.test.Results {
		e := &s.test.Results[i]
		targets := e.targets()
		if len(targets) == 0 {
			rows = append(rows, failed(s.baseRow(e, e.Kind), "the result lists no resources"))
			continue
		}
		for _, t := range targets {
			if ctx.Err() != nil {
				return rows // interrupted: the caller reports it
			}
			rows = append(rows, s.scoreTarget(ctx, e, t, sc)...)
		}
	}
	return rows
}

func (s *suite) baseRow(e *Result, resource string) Row {
	return Row{Policy: e.Policy, Rule: e.Rule, Resource: resource, Expected: e.Expected()}
}

func failed(row Row, reason string) Row {
	row.Outcome, row.Reason = OutcomeFail, reason
	return row
}

func skipped(row Row, reason string) Row {
	row.Outcome, row.Reason = OutcomeSkip, reason
	return row
}

// scoreTarget scores one entry on one listed resource: one row per matching rule result (usually one).
func (s *suite) scoreTarget(ctx context.Context, e *Result, t target, sc scoring) []Row {
	base := s.baseRow(e, t.display(e.Kind))
	if reason := s.skipReason(e); reason != "" {
		return []Row{skipped(base, reason)}
	}
	if s.fatal != nil {
		return []Row{failed(base, s.fatal.Error())}
	}
	if !knownResult(e.Expected()) {
		return []Row{failed(base, fmt.Sprintf("unknown expected result %q (want pass, fail, skip, warn or error)", e.Expected()))}
	}
	pols, reason := s.policiesFor(e.Policy)
	if len(pols) == 0 {
		return []Row{failed(base, reason)}
	}
	matches := s.resolve(e, t)
	if len(matches) == 0 {
		return []Row{failed(base, s.notFoundReason())}
	}
	var rows []Row
	for _, r := range matches {
		base.Resource = r.display()
		for _, p := range pols {
			rows = append(rows, s.scoreResult(ctx, base, e, p, r, sc)...)
		}
	}
	return rows
}

func knownResult(s string) bool {
	switch engine.Status(s) {
	case engine.StatusPass, engine.StatusFail, engine.StatusSkip, engine.StatusWarn, engine.StatusError:
		return true
	}
	return false
}

// skipReason returns why the entry's rows are not evaluated, or "".
func (s *suite) skipReason(e *Result) string {
	if kind := e.policyKindFlag(); kind != "" && !evaluatedKind(kind) {
		return unsupportedKindReason + " (" + kind + ")"
	}
	return s.unsupported[policyName(e.Policy)]
}

// evaluatedKind reports whether rows flagged as being about a policy of kind are evaluated.
func evaluatedKind(kind string) bool {
	return kind == "ValidatingPolicy" || kind == "ValidatingAdmissionPolicy" || kind == "DeletingPolicy" ||
		kind == "GeneratingPolicy" || kind == "MutatingPolicy" || kind == "MutatingAdmissionPolicy"
}

// policyName returns the name part of a policy reference "name" or "namespace/name".
func policyName(ref string) string {
	return ref[strings.LastIndex(ref, "/")+1:]
}

// policiesFor returns the policies a reference names, or why there are none.
func (s *suite) policiesFor(ref string) ([]*engine.Policy, string) {
	name := policyName(ref)
	pols := s.policies[name]
	if ns, _, ok := strings.Cut(ref, "/"); ok {
		var inNamespace []*engine.Policy
		for _, p := range pols {
			if p.Namespace == ns {
				inNamespace = append(inNamespace, p)
			}
		}
		if len(inNamespace) > 0 {
			pols = inNamespace
		}
	}
	if len(pols) > 0 {
		return pols, ""
	}
	errs := s.policyErrs[name]
	if len(errs) == 0 {
		errs = s.policyErrs[""]
	}
	if len(errs) > 0 {
		return nil, "policy failed to load: " + strings.Join(errs, "; ")
	}
	return nil, fmt.Sprintf("policy %s not found in the test's policy files", ref)
}

func (s *suite) notFoundReason() string {
	if len(s.resourceErr) > 0 {
		return "resource not found (resource files failed to load: " + strings.Join(s.resourceErr, "; ") + ")"
	}
	return "resource not found in the test's resource files"
}

// resolve returns the loaded resources a target names. A reference matches by name (and namespace when given);
// resources of the entry's kind are preferred, others are used only when none has that kind, as Kyverno does not
// compare kinds.
func (s *suite) resolve(e *Result, t target) []*loadedResource {
	if t.spec != nil {
		return s.resolveSpec(t.spec)
	}
	ns, name, hasNS := strings.Cut(t.ref, "/")
	if !hasNS {
		name, ns = t.ref, ""
	}
	var all, ofKind []*loadedResource
	for _, r := range s.resources {
		if r.name != name || (hasNS && r.namespace != ns) || (e.Namespace != "" && r.namespace != e.Namespace) {
			continue
		}
		all = append(all, r)
		if r.kind == e.Kind {
			ofKind = append(ofKind, r)
		}
	}
	if len(ofKind) > 0 {
		return ofKind
	}
	return all
}

func (s *suite) resolveSpec(spec *ResourceSpec) []*loadedResource {
	var out []*loadedResource
	for _, r := range s.resources {
		group, version := splitAPIVersion(r.apiVersion)
		if r.name != spec.Name || r.namespace != spec.Namespace ||
			(spec.Kind != "" && r.kind != spec.Kind) ||
			(spec.Version != "" && (version != spec.Version || group != spec.Group)) {
			continue
		}
		out = append(out, r)
	}
	return out
}

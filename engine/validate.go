package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/engine/pattern"
	"github.com/bylaw-dev/bylaw/engine/podsecurity"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// patternProgram is a validate pattern: compiled once when it holds no variables, else rendered and compiled per use.
type patternProgram struct {
	static *pattern.Pattern
	tree   *variables.Tree
}

func (p *patternProgram) resolve(doc any) (*pattern.Pattern, error) {
	if p.static != nil {
		return p.static, nil
	}
	v, err := p.tree.Render(doc)
	if err != nil {
		return nil, fmt.Errorf("pattern: %w", err)
	}
	compiled, err := pattern.Compile(v)
	if err != nil {
		return nil, fmt.Errorf("pattern after substitution: %w", err)
	}
	return compiled, nil
}

// outcome is the result of one validation step before it becomes a RuleResult.
type outcome struct {
	status  Status
	message string
	// doc, when set, is the context of the foreach element that decided the outcome: the rule message renders in it.
	doc map[string]any
}

func (e *Engine) validateRule(ctx context.Context, r *Rule, in *Input, doc map[string]any, loader Loader) RuleResult {
	v := r.validate
	var out outcome
	switch {
	case in.req.Operation == OperationDelete && v.cel == nil && len(v.foreach) == 0 && v.deny == nil:
		// A pattern or Pod Security level describes what an object must look like; an object being deleted is not
		// checked against it (deny, CEL and foreach rules still see the request).
		out = outcome{status: StatusSkip, message: "not checked on DELETE"}
	case v.podSecurity != nil:
		out = checkPodSecurity(v.podSecurity, in)
	case v.cel != nil:
		out = checkCEL(ctx, v.cel, in, loader)
	case len(v.foreach) > 0:
		out = e.validateForeachList(ctx, v.foreach, in, doc, in.obj, loader, 0)
	default:
		out = checkBody(v.pattern, v.anyPattern, v.deny, doc, in.obj)
	}
	return r.toResult(out, v.message, doc)
}

// checkBody runs the pattern, anyPattern or deny of a rule or foreach element against target.
func checkBody(pat *patternProgram, anyPat []*patternProgram, deny *conditionTree, doc any, target any) outcome {
	switch {
	case pat != nil:
		return checkPattern(pat, doc, target)
	case len(anyPat) > 0:
		return checkAnyPattern(anyPat, doc, target)
	case deny != nil:
		return checkDeny(deny, doc)
	}
	return outcome{status: StatusPass}
}

func checkPattern(p *patternProgram, doc any, target any) outcome {
	compiled, err := p.resolve(doc)
	if err != nil {
		return outcome{status: StatusError, message: err.Error()}
	}
	m := compiled.Match(target)
	switch m.Status {
	case pattern.StatusPass:
		return outcome{status: StatusPass}
	case pattern.StatusSkip:
		return outcome{status: StatusSkip, message: m.Message}
	}
	if m.Path == "" {
		return outcome{status: StatusFail, message: "failed: " + m.Message}
	}
	return outcome{status: StatusFail, message: "failed at path " + m.Path}
}

func checkAnyPattern(ps []*patternProgram, doc any, target any) outcome {
	// first pass: statuses only, so a passing anyPattern builds no failure messages.
	skipped := 0
	for _, p := range ps {
		compiled, err := p.resolve(doc)
		if err != nil {
			return outcome{status: StatusError, message: err.Error()}
		}
		switch compiled.Status(target) {
		case pattern.StatusPass:
			return outcome{status: StatusPass}
		case pattern.StatusSkip:
			skipped++
		}
	}
	if skipped == len(ps) {
		return outcome{status: StatusSkip, message: "all anyPatterns skipped"}
	}
	var failures []string
	for i, p := range ps {
		if o := checkPattern(p, doc, target); o.status == StatusFail {
			failures = append(failures, fmt.Sprintf("anyPattern[%d] %s", i, o.message))
		}
	}
	return outcome{status: StatusFail, message: strings.Join(failures, "; ")}
}

func checkPodSecurity(c *podsecurity.Check, in *Input) outcome {
	res := c.EvaluatePod(in.podTemplate)
	if res.Allowed {
		return outcome{status: StatusPass}
	}
	return outcome{status: StatusFail, message: res.Message}
}

func checkDeny(deny *conditionTree, doc any) outcome {
	res, err := deny.evaluate(doc)
	if err != nil {
		return outcome{status: StatusError, message: "deny conditions: " + err.Error()}
	}
	if res.held {
		return outcome{status: StatusFail}
	}
	return outcome{status: StatusPass}
}

// toResult turns an outcome into the rule's result, rendering the rule message for failures as Kyverno words them.
func (r *Rule) toResult(o outcome, message *variables.Template, doc any) RuleResult {
	res := RuleResult{Rule: r.Name, Type: r.Type, Status: o.status}
	if o.doc != nil {
		doc = o.doc
	}
	switch o.status {
	case StatusPass:
		res.Message = r.passMessage
	case StatusFail:
		res.Message = failureMessage(r.Name, renderMessage(message, doc), o.message)
	default:
		res.Message = o.message
	}
	return res
}

func failureMessage(rule, msg, detail string) string {
	if detail == "" {
		return msg
	}
	if msg == "" {
		return fmt.Sprintf("validation error: rule %s %s", rule, detail)
	}
	return fmt.Sprintf("validation error: %s rule %s %s", withPeriod(msg), rule, detail)
}

func withPeriod(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

func renderMessage(t *variables.Template, doc any) string {
	if t == nil {
		return ""
	}
	s, err := t.RenderString(doc)
	if err != nil {
		return t.String()
	}
	return s
}

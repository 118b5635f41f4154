package policy

import (
	"errors"
	"fmt"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// checkRules enforces what the schema cannot: rule names present and unique, and exactly one rule type per rule.
func checkRules(rules []v1alpha1.Rule) (string, error) {
	if len(rules) == 0 {
		return "spec.rules", errors.New("at least one rule is required")
	}
	seen := make(map[string]int, len(rules))
	for i := range rules {
		r := &rules[i]
		field := fmt.Sprintf("spec.rules[%d]", i)
		if r.Name == "" {
			return field + ".name", errors.New("required")
		}
		if prev, dup := seen[r.Name]; dup {
			return field + ".name", fmt.Errorf("rule name %q is also used by spec.rules[%d]", r.Name, prev)
		}
		seen[r.Name] = i
		if n := ruleTypeCount(r); n != 1 {
			return field, fmt.Errorf("rule %q must have exactly one of validate, mutate, generate, verifyImages (has %d)", r.Name, n)
		}
	}
	return "", nil
}

func ruleTypeCount(r *v1alpha1.Rule) int {
	n := 0
	for _, has := range []bool{r.Validation != nil, r.Mutation != nil, r.Generation != nil, len(r.VerifyImages) > 0} {
		if has {
			n++
		}
	}
	return n
}

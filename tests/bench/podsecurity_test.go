package bench

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// baselineViolations returns the generated violations that the Pod Security Standards baseline level (version
// latest) forbids; the others only the restricted level forbids. Those are privilege escalation, running as root,
// restricted volume types, and the Unmasked procMount: the generator sets hostUsers: false with it (the API server
// requires a user namespace for it), and from Pod Security Standards v1.35 baseline allows Unmasked in a user
// namespace.
func baselineViolations() []gen.Violation {
	return []gen.Violation{
		gen.HostNetwork, gen.HostPID, gen.HostIPC, gen.HostPath, gen.HostPort, gen.Privileged,
		gen.AppArmor, gen.SeccompUnconfined,
	}
}

// subruleDetectedBy returns the sorted names of the corpus podSecurity subrule policies that fail a Pod carrying v:
// baseline for baseline violations, restricted for every violation, and restricted with the Seccomp control excluded
// for every violation but the seccomp one.
func subruleDetectedBy(v gen.Violation) []string {
	var out []string
	if slices.Contains(baselineViolations(), v) {
		out = append(out, "podsecurity-subrule-baseline")
	}
	if v != gen.None {
		out = append(out, "podsecurity-subrule-restricted")
	}
	if v != gen.None && v != gen.SeccompUnconfined {
		out = append(out, "podsecurity-subrule-restricted-seccomp")
	}
	return out
}

// TestGeneratedViolationsAreDetectedByPodSecurity checks the podSecurity subrule policies of the corpus on the
// generated Pods: compliant Pods pass all three, and every violation fails the levels that forbid it.
func TestGeneratedViolationsAreDetectedByPodSecurity(t *testing.T) {
	eng := engine.New()
	policies := loadFolders(t, eng, subruleFolders())
	assert.ElementsMatch(t, []string{"podsecurity-subrule-baseline", "podsecurity-subrule-restricted",
		"podsecurity-subrule-restricted-seccomp"}, policyNames(policies))
	pods, inputs := podInputs(400)
	for i, in := range inputs {
		v := pods[i].Violation
		failed := failedPolicies(t, eng, policies, in)
		assert.Equal(t, subruleDetectedBy(v), failed, "pod %d (%s) with violation %q", i, in.Name(), v)
	}
}

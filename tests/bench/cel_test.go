package bench

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// celCounterparts maps each pod-security pattern policy to the pod-security-cel policy that checks the same control,
// or to "" when the CEL folder has none. The CEL policies keep the pattern policies' names.
func celCounterparts() map[string]string {
	return map[string]string{
		"disallow-host-namespaces":       "disallow-host-namespaces",
		"disallow-host-path":             "disallow-host-path",
		"disallow-host-ports":            "disallow-host-ports",
		"disallow-host-ports-range":      "disallow-host-ports-range",
		"disallow-privileged-containers": "disallow-privileged-containers",
		"restrict-seccomp":               "restrict-seccomp",
		"disallow-privilege-escalation":  "disallow-privilege-escalation",
		"restrict-seccomp-strict":        "restrict-seccomp-strict",
		"disallow-host-process":          "",
		"disallow-proc-mount":            "",
		"restrict-apparmor-profiles":     "",
		"require-run-as-non-root-user":   "",
		"restrict-volume-types":          "",
	}
}

// celDetectedBy returns the sorted CEL counterparts of the pattern policies that detect v.
func celDetectedBy(v gen.Violation) []string {
	var out []string
	for _, name := range v.DetectedBy() {
		if c := celCounterparts()[name]; c != "" {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// TestCELCounterparts pins the mapping between the two corpus folders: every pattern policy is in it, every named
// counterpart exists among the CEL policies, and the CEL policies without a pattern counterpart are the known ones.
func TestCELCounterparts(t *testing.T) {
	patterns := policyNames(loadPodSecurity(t, engine.New()))
	cels := policyNames(loadFolders(t, engine.New(), celFolders()))
	counterparts := celCounterparts()
	assert.Len(t, counterparts, len(patterns))
	for _, name := range patterns {
		c, ok := counterparts[name]
		require.True(t, ok, "pattern policy %s is missing from celCounterparts", name)
		if c != "" {
			assert.Contains(t, cels, c, "CEL counterpart of %s", name)
		}
	}
	var celOnly []string
	for _, name := range cels {
		if !slices.Contains(patterns, name) {
			celOnly = append(celOnly, name)
		}
	}
	slices.Sort(celOnly)
	want := []string{"disallow-capabilities", "disallow-capabilities-strict", "disallow-selinux", "restrict-sysctls"}
	assert.Equal(t, want, celOnly)
}

// TestGeneratedViolationsAreDetectedByCEL is TestGeneratedViolationsAreDetected for the validate.cel policies: every
// Pod fails exactly the CEL counterparts of the pattern policies it fails. Compliant Pods drop ALL capabilities and
// set no SELinux options or sysctls, so the CEL-only policies pass everywhere.
func TestGeneratedViolationsAreDetectedByCEL(t *testing.T) {
	eng := engine.New()
	policies := loadFolders(t, eng, celFolders())
	pods, inputs := podInputs(400)
	seen := map[gen.Violation]int{}
	for i, in := range inputs {
		v := pods[i].Violation
		seen[v]++
		failed := failedPolicies(t, eng, policies, in)
		assert.Equal(t, celDetectedBy(v), failed, "pod %d (%s) with violation %q", i, in.Name(), v)
	}
	for _, v := range gen.Violations() {
		assert.Positive(t, seen[v], "no generated Pod carries %s", v)
	}
}

package podsecurity

import (
	"errors"
	"fmt"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Check is a compiled podSecurity rule. It is immutable and safe for concurrent use.
type Check struct {
	label        string // level:version, as messages show it
	checks       []compiledCheck
	excludeCount int
}

// compiledCheck is one PSA check selected for the rule's level and version.
type compiledCheck struct {
	id       string
	control  string
	fns      []policy.CheckPodFn // every revision the rule runs; the check fails when one of them fails
	latest   bool
	minor    int
	excludes []compiledExclude // the rule's exclusions of this check's control, in policy order
}

// compiledExclude is one validated exclude[] entry.
type compiledExclude struct {
	index    int // position in exclude[], to share the stand-in pods built for it
	images   []string
	field    fieldRef
	hasField bool
	values   []string
}

// Compile validates level (privileged|baseline|restricted), version ("latest" or "v1.x"), every exclude (known
// control names, image wildcards, restrictedField paths) and pre-builds the evaluator once. Errors name the field.
func Compile(ps *v1alpha1.PodSecurity) (*Check, error) {
	if ps == nil {
		return nil, errors.New("podSecurity: missing")
	}
	level, err := api.ParseLevel(ps.Level)
	if err != nil {
		return nil, fmt.Errorf("podSecurity.level %q: %w", ps.Level, err)
	}
	version, err := parseVersion(ps.Version)
	if err != nil {
		return nil, fmt.Errorf("podSecurity.version %q: %w", ps.Version, err)
	}
	excludes, err := compileExcludes(level, ps.Exclude)
	if err != nil {
		return nil, err
	}
	c := &Check{label: string(level) + ":" + version.String(), excludeCount: len(excludes)}
	if level == api.LevelPrivileged {
		return c, nil
	}
	for _, check := range policy.DefaultChecks() {
		if level == api.LevelBaseline && check.Level != api.LevelBaseline {
			continue
		}
		fns := revisionsFor(check, version)
		if len(fns) == 0 {
			continue
		}
		cc := compiledCheck{id: string(check.ID), control: controlOf(string(check.ID)), fns: fns,
			latest: version.Latest(), minor: version.Minor()}
		cc.excludes = excludesOf(cc.id, ps.Exclude, excludes)
		c.checks = append(c.checks, cc)
	}
	return c, nil
}

// parseVersion reads "latest", "" (latest) or "v1.x".
func parseVersion(s string) (api.Version, error) {
	if s == "" {
		return api.LatestVersion(), nil
	}
	return api.ParseVersion(s)
}

// revisionsFor selects the revisions of a check Kyverno runs: the newest for "latest", every revision up to the
// pinned version otherwise (a pod must pass all of them).
func revisionsFor(check policy.Check, version api.Version) []policy.CheckPodFn {
	if version.Latest() {
		newest := check.Versions[0]
		for _, v := range check.Versions[1:] {
			if !v.MinimumVersion.Older(newest.MinimumVersion) {
				newest = v
			}
		}
		return []policy.CheckPodFn{newest.CheckPod}
	}
	var fns []policy.CheckPodFn
	for _, v := range check.Versions {
		if !version.Older(v.MinimumVersion) {
			fns = append(fns, v.CheckPod)
		}
	}
	return fns
}

// compileExcludes validates every exclude entry, naming the offending field.
func compileExcludes(level api.Level, in []v1alpha1.PodSecurityStandard) ([]compiledExclude, error) {
	out := make([]compiledExclude, len(in))
	for i := range in {
		ex, err := compileExclude(level, i, &in[i])
		if err != nil {
			return nil, fmt.Errorf("podSecurity.exclude[%d].%w", i, err)
		}
		out[i] = ex
	}
	return out, nil
}

func compileExclude(level api.Level, index int, pss *v1alpha1.PodSecurityStandard) (compiledExclude, error) {
	ids := checkIDsOf(pss.ControlName)
	switch {
	case ids == nil:
		return compiledExclude{}, fmt.Errorf("controlName %q: unknown Pod Security Standards control", pss.ControlName)
	case level == api.LevelBaseline && isRestrictedOnlyControl(pss.ControlName):
		return compiledExclude{}, fmt.Errorf("controlName %q: not a control of the baseline level", pss.ControlName)
	case isContainerLevelControl(pss.ControlName) && len(pss.Images) == 0:
		return compiledExclude{}, fmt.Errorf("images: required for the container-level control %q", pss.ControlName)
	case isPodLevelControl(pss.ControlName) && len(pss.Images) != 0:
		return compiledExclude{}, fmt.Errorf("images: not allowed for the pod-level control %q", pss.ControlName)
	case pss.RestrictedField != "" && len(pss.Values) == 0:
		return compiledExclude{}, errors.New("values: required with restrictedField")
	case pss.RestrictedField == "" && len(pss.Values) != 0:
		return compiledExclude{}, errors.New("restrictedField: required with values")
	}
	for j, image := range pss.Images {
		if image == "" {
			return compiledExclude{}, fmt.Errorf("images[%d]: empty image pattern", j)
		}
	}
	ex := compiledExclude{index: index, images: pss.Images, values: pss.Values}
	if pss.RestrictedField == "" {
		return ex, nil
	}
	field, err := parseRestrictedField(pss.RestrictedField)
	if err != nil {
		return compiledExclude{}, fmt.Errorf("restrictedField: %w", err)
	}
	if !controlHasField(ids, field) {
		return compiledExclude{}, fmt.Errorf("restrictedField %q: not a restricted field of control %q",
			pss.RestrictedField, pss.ControlName)
	}
	ex.field, ex.hasField = field, true
	return ex, nil
}

func controlHasField(ids []string, field fieldRef) bool {
	for _, id := range ids {
		if knownField(id, field) {
			return true
		}
	}
	return false
}

// excludesOf keeps, in policy order, the exclusions whose control covers the check.
func excludesOf(checkID string, in []v1alpha1.PodSecurityStandard, compiled []compiledExclude) []compiledExclude {
	var out []compiledExclude
	for i := range in {
		for _, id := range checkIDsOf(in[i].ControlName) {
			if id == checkID {
				out = append(out, compiled[i])
			}
		}
	}
	return out
}

// run evaluates every revision of the check; it returns the first rejection.
func (c *compiledCheck) run(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (policy.CheckResult, bool) {
	for _, fn := range c.fns {
		if res := fn(meta, spec); !res.Allowed {
			return res, true
		}
	}
	return policy.CheckResult{Allowed: true}, false
}

// fails reports whether the check rejects a pod.
func (c *compiledCheck) fails(meta *metav1.ObjectMeta, spec *corev1.PodSpec) bool {
	_, failed := c.run(meta, spec)
	return failed
}

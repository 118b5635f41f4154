package bench

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// defaultCorpus is where the corpus sits relative to this folder in the shared checkout.
const defaultCorpus = "../../../shared/conformance/kyverno-policies"

// patternFolders returns the corpus folders of pod-security pattern policies that the benchmarks load.
func patternFolders() []string { return []string{"pod-security/baseline", "pod-security/restricted"} }

// celFolders returns the corpus folders of the pod-security policies written with validate.cel.
func celFolders() []string {
	return []string{"pod-security-cel/baseline", "pod-security-cel/restricted"}
}

// vpolFolders returns the corpus folders of the pod-security policies written as ValidatingPolicies.
func vpolFolders() []string {
	return []string{"pod-security-vpol/baseline", "pod-security-vpol/restricted"}
}

// subruleFolders returns the corpus folder of the pod-security policies written with validate.podSecurity.
func subruleFolders() []string { return []string{"pod-security/subrule"} }

// corpusDir returns the corpus root, skipping tb when it is absent.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("BYLAW_CORPUS")
	if dir == "" {
		dir = defaultCorpus
	}
	if _, err := os.Stat(filepath.Join(dir, "pod-security")); err != nil {
		tb.Skipf("Kyverno policy corpus not found at %q (set BYLAW_CORPUS to the kyverno-policies folder): %v", dir, err)
	}
	return dir
}

// policyFiles lists the policy YAML files under the given corpus folders, leaving out hidden folders (.kyverno-test,
// .chainsaw-test) whose files are test inputs and assertions, not policies.
func policyFiles(tb testing.TB, root string, folders []string) []string {
	tb.Helper()
	var files []string
	for _, folder := range folders {
		if _, err := os.Stat(filepath.Join(root, folder)); err != nil {
			tb.Skipf("corpus folder %s not found under %q (set BYLAW_CORPUS to the kyverno-policies folder): %v",
				folder, root, err)
		}
		err := filepath.WalkDir(filepath.Join(root, folder), func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && strings.HasPrefix(d.Name(), "."):
				return filepath.SkipDir
			case !d.IsDir() && filepath.Ext(path) == ".yaml":
				files = append(files, path)
			}
			return nil
		})
		require.NoError(tb, err, "walking %s", folder)
	}
	return files
}

// loadPodSecurity compiles the pod-security pattern policies of the corpus with eng.
func loadPodSecurity(tb testing.TB, eng *engine.Engine) []*engine.Policy {
	tb.Helper()
	return loadFolders(tb, eng, patternFolders())
}

// loadFolders compiles with eng the policy files under the given corpus folders, failing tb on any load error.
func loadFolders(tb testing.TB, eng *engine.Engine, folders []string) []*engine.Policy {
	tb.Helper()
	set := policy.NewLoader(eng).LoadPaths(tb.Context(), policyFiles(tb, corpusDir(tb), folders)...)
	for _, e := range set.Errors {
		tb.Errorf("loading policy: %v", e)
	}
	require.NotEmpty(tb, set.Policies, "no policies loaded from %v", folders)
	return set.Policies
}

// policyNames returns the names of policies, in order.
func policyNames(policies []*engine.Policy) []string {
	names := make([]string, len(policies))
	for i, p := range policies {
		names[i] = p.Name
	}
	return names
}

// podInputs generates n Pods with seed 1 and prepares one engine input per Pod.
func podInputs(n int) ([]gen.Pod, []*engine.Input) {
	pods := gen.Generate(gen.Options{Count: n, Seed: 1, ViolationRatio: gen.DefaultViolationRatio})
	inputs := make([]*engine.Input, len(pods))
	for i, p := range pods {
		inputs[i] = engine.NewInput(engine.Request{Object: p.Object})
	}
	return pods, inputs
}

func TestPodSecurityPoliciesLoad(t *testing.T) {
	policies := loadPodSecurity(t, engine.New())
	names := policyNames(policies)
	for _, v := range gen.Violations() {
		for _, name := range v.DetectedBy() {
			assert.Contains(t, names, name, "policy detecting %s", v)
		}
	}
	assert.Len(t, policies, 13)
}

// TestGeneratedViolationsAreDetected checks generator and engine together: every Pod fails exactly the policies its
// violation names, and no rule errors.
func TestGeneratedViolationsAreDetected(t *testing.T) {
	eng := engine.New()
	policies := loadPodSecurity(t, eng)
	pods, inputs := podInputs(400)
	for i, in := range inputs {
		failed := failedPolicies(t, eng, policies, in)
		v := pods[i].Violation
		assert.Equal(t, v.DetectedBy(), failed, "pod %d (%s) with violation %q", i, in.Name(), v)
	}
}

// failedPolicies returns the sorted names of the policies that fail at least one rule on in, and fails t on any rule
// error.
func failedPolicies(t *testing.T, eng *engine.Engine, policies []*engine.Policy, in *engine.Input) []string {
	t.Helper()
	var failed []string
	for _, p := range policies {
		for _, rr := range eng.Validate(t.Context(), p, in, engine.EvalOptions{}).Rules {
			assert.NotEqual(t, engine.StatusError, rr.Status, "pod %s policy %s rule %s: %s",
				in.Name(), p.Name, rr.Rule, rr.Message)
			if rr.Status == engine.StatusFail && !slices.Contains(failed, p.Name) {
				failed = append(failed, p.Name)
			}
		}
	}
	slices.Sort(failed)
	return failed
}

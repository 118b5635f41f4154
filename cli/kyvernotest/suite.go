package kyvernotest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/manifest"
	"github.com/bylaw-dev/bylaw/policy"
)

// unsupportedKindReason is the reason given for rows of policy kinds the engine does not evaluate.
const unsupportedKindReason = "policies.kyverno.io kinds are not supported yet"

// suite is one loaded test file, ready to be scored.
type suite struct {
	test *Test
	dir  string
	// fatal, when set, fails every row: the suite's values, user or context file could not be read.
	fatal error

	policies    map[string][]*engine.Policy // by name
	unsupported map[string]string           // policy name → reason its rows are skipped
	policyErrs  map[string][]string         // policy name ("" when unknown) → load errors
	resources   []*loadedResource
	resourceErr []string
	warnings    []string

	eval  *Evaluator
	cache map[evalKey]engine.PolicyResult // not locked: one goroutine scores a suite

	// lim bounds every file the suite reads; readResources reads resource files within it, stopping when the run's
	// context is done.
	lim           manifest.Limits
	readResources func(paths ...string) ([]map[string]any, []error)
}

type loadedResource struct {
	kind, name, namespace, apiVersion string
	obj                               map[string]any
	res                               *Resource // prepared once the evaluator exists
}

type evalKey struct {
	policy   *engine.Policy
	resource *loadedResource
}

// display returns Kind/namespace/name, or Kind/name for a cluster-scoped resource.
func (r *loadedResource) display() string {
	if r.namespace == "" {
		return r.kind + "/" + r.name
	}
	return r.kind + "/" + r.namespace + "/" + r.name
}

// readTest reads and decodes a suite file within lim.
func readTest(lim manifest.Limits, path string) (*Test, error) {
	data, err := lim.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading test: %w", err)
	}
	t, err := parseTest(lim, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// loadSuite loads everything a test file names, each file within lim. Problems with policies and resources are kept
// for the rows they affect; problems with the values, user info or context file make every row fail.
func loadSuite(ctx context.Context, e *engine.Engine, lim manifest.Limits, path string, t *Test) *suite {
	s := &suite{
		test:        t,
		dir:         filepath.Dir(path),
		policies:    map[string][]*engine.Policy{},
		unsupported: map[string]string{},
		policyErrs:  map[string][]string{},
		cache:       map[evalKey]engine.PolicyResult{},
		lim:         lim,
		readResources: func(paths ...string) ([]map[string]any, []error) {
			return policy.LoadResources(ctx, lim, paths...)
		},
	}
	values, user, ctxFile, err := s.loadSideFiles()
	if err != nil {
		s.fatal = err
		return s
	}
	loader := policy.NewLoader(e)
	loader.Limits = lim
	exceptions := s.loadPolicies(ctx, loader)
	objects := append(s.loadResources(), s.loadCloneSources()...)
	objects = append(objects, s.loadClusterResources()...)
	s.eval = &Evaluator{
		Engine:     e,
		Values:     values,
		User:       user.ToEngineUserInfo(),
		Loader:     NewContextLoader(objects, ctxFile),
		Exceptions: exceptions,
	}
	for _, r := range s.resources {
		r.res = s.eval.Prepare(r.obj)
	}
	return s
}

func (s *suite) fullPaths(paths []string) []string {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.dir, p)
		}
		out = append(out, p)
	}
	return out
}

func (s *suite) loadSideFiles() (*Values, *UserInfo, *Context, error) {
	var (
		values  = s.test.Values
		user    *UserInfo
		ctxFile *Context
		err     error
	)
	if values == nil && s.test.Variables != "" {
		if values, err = LoadValues(s.lim, s.fullPaths([]string{s.test.Variables})[0]); err != nil {
			return nil, nil, nil, fmt.Errorf("values: %w", err)
		}
	}
	if s.test.UserInfo != "" {
		if user, err = LoadUserInfo(s.lim, s.fullPaths([]string{s.test.UserInfo})[0]); err != nil {
			return nil, nil, nil, fmt.Errorf("user info: %w", err)
		}
	}
	if s.test.Context != "" {
		if ctxFile, err = LoadContext(s.lim, s.fullPaths([]string{s.test.Context})[0]); err != nil {
			return nil, nil, nil, fmt.Errorf("context: %w", err)
		}
	}
	return values, user, ctxFile, nil
}

// loadPolicies loads the policies and exceptions and sorts load errors by policy name.
func (s *suite) loadPolicies(ctx context.Context, loader *policy.Loader) []*engine.Exception {
	set := loader.LoadPaths(ctx, s.fullPaths(s.test.Policies)...)
	for _, p := range set.Policies {
		s.policies[p.Name] = append(s.policies[p.Name], p)
	}
	for _, le := range set.Errors {
		if errors.Is(le, policy.ErrUnsupportedKind) {
			s.unsupported[le.Name] = unsupportedKindReason + " (" + le.Kind + ")"
			continue
		}
		s.policyErrs[le.Name] = append(s.policyErrs[le.Name], le.Error())
	}
	if len(s.test.Exceptions) == 0 {
		return set.Exceptions
	}
	exceptions := loader.LoadPaths(ctx, s.fullPaths(s.test.Exceptions)...)
	for _, le := range exceptions.Errors {
		s.warnings = append(s.warnings, "exception: "+le.Error())
	}
	return append(set.Exceptions, exceptions.Exceptions...)
}

// loadResources loads the resources, drops duplicates (same apiVersion, kind, namespace and name; the first wins)
// and returns every object, for ConfigMap lookups.
func (s *suite) loadResources() []map[string]any {
	objects, errs := s.readResources(s.fullPaths(s.test.Resources)...)
	for _, err := range errs {
		s.resourceErr = append(s.resourceErr, err.Error())
	}
	seen := map[[4]string]bool{}
	for _, obj := range objects {
		DefaultNamespace(obj)
		r := newLoadedResource(obj)
		key := [4]string{r.apiVersion, r.kind, r.namespace, r.name}
		if seen[key] {
			s.warnings = append(s.warnings, "duplicate resource "+r.display()+" ignored")
			continue
		}
		seen[key] = true
		s.resources = append(s.resources, r)
	}
	return objects
}

// loadCloneSources loads the entries' cloneSourceResource files: existing objects that generate rules clone.
func (s *suite) loadCloneSources() []map[string]any {
	var out []map[string]any
	for _, e := range s.test.Results {
		if e.CloneSourceResource == "" {
			continue
		}
		objs, errs := s.readResources(s.fullPaths([]string{e.CloneSourceResource})...)
		for _, err := range errs {
			s.warnings = append(s.warnings, "cloneSourceResource: "+err.Error())
		}
		for _, obj := range objs {
			DefaultNamespace(obj)
		}
		out = append(out, objs...)
	}
	return out
}

// loadClusterResources reads the test's clusterResources files: objects the context loader serves.
func (s *suite) loadClusterResources() []map[string]any {
	if len(s.test.ClusterResources) == 0 {
		return nil
	}
	objs, errs := s.readResources(s.fullPaths(s.test.ClusterResources)...)
	for _, err := range errs {
		s.warnings = append(s.warnings, "clusterResources: "+err.Error())
	}
	for _, obj := range objs {
		DefaultNamespace(obj)
	}
	return objs
}

func newLoadedResource(obj map[string]any) *loadedResource {
	meta, _ := obj["metadata"].(map[string]any)
	r := &loadedResource{obj: obj}
	r.apiVersion, _ = obj["apiVersion"].(string)
	r.kind, _ = obj["kind"].(string)
	r.name, _ = meta["name"].(string)
	r.namespace, _ = meta["namespace"].(string)
	return r
}

// result evaluates a policy on a resource once and caches the result.
func (s *suite) result(ctx context.Context, p *engine.Policy, r *loadedResource) engine.PolicyResult {
	key := evalKey{p, r}
	if res, ok := s.cache[key]; ok {
		return res
	}
	res := s.eval.Evaluate(ctx, p, r.res)
	s.cache[key] = res
	return res
}

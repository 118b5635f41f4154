package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/manifest"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// policyDoc is one policy document of a scenario: the object created in the cluster and what Bylaw's loader made of it.
type policyDoc struct {
	File   string
	Object *unstructured.Unstructured
	Policy *engine.Policy
}

// path is the webhook path serving the policy (registration.Path).
func (d policyDoc) path() string { return registration.Path(d.Policy.Mutates(), d.Policy.Webhook) }

// policyKinds are the kinds a scenario creates as CRs.
func policyKinds() []string { return []string{"ClusterPolicy", "ValidatingPolicy"} }

// loadDocs reads the policy documents of paths (files, or folders walked in lexical order, hidden entries and
// non-YAML files skipped) and compiles each with loader. A document that does not compile is an error.
func loadDocs(loader *policy.Loader, paths ...string) ([]policyDoc, error) {
	var out []policyDoc
	for _, p := range paths {
		files, err := yamlFiles(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			docs, err := fileDocs(loader, f)
			if err != nil {
				return nil, err
			}
			out = append(out, docs...)
		}
	}
	return out, nil
}

// yamlFiles returns root if it is a file, else the non-hidden .yaml/.yml files under it, sorted by path.
func yamlFiles(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walking %s: %w", root, err)
	}
	slices.Sort(files)
	return files, nil
}

// fileDocs returns the policy documents of one file.
func fileDocs(loader *policy.Loader, file string) ([]policyDoc, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	docs, err := manifest.Split(data)
	if err != nil {
		return nil, fmt.Errorf("splitting %s: %w", file, err)
	}
	var out []policyDoc
	for _, d := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(d.Data, &u.Object); err != nil || u.Object == nil {
			continue // not an object: not a policy either
		}
		if !slices.Contains(policyKinds(), u.GetKind()) {
			continue
		}
		set := loader.LoadBytes(file, d.Data)
		if len(set.Errors) > 0 {
			return nil, fmt.Errorf("%s:%d: policy %s does not load: %w", file, d.Line, u.GetName(), set.Errors[0])
		}
		if len(set.Policies) != 1 {
			return nil, fmt.Errorf("%s:%d: policy %s compiled into %d policies, want 1", file, d.Line, u.GetName(), len(set.Policies))
		}
		out = append(out, policyDoc{File: file, Object: u, Policy: set.Policies[0]})
	}
	return out, nil
}

// selectExtra picks n ClusterPolicies of the corpus for the "+N" scenario, deterministically: files sorted by path,
// skipping the folders in exclude and policy names in taken; a policy qualifies when Bylaw's loader compiles it without
// error into a policy whose every rule the engine evaluates, that validates Pods at CREATE in admission (no mutate, no
// generate), has no context entries (they would need cluster data) and is served by the webhook path want. It
// returns fewer than n when the corpus has fewer.
func selectExtra(loader *policy.Loader, corpus string, exclude, taken []string, want string, n int) ([]policyDoc, error) {
	files, err := yamlFiles(corpus)
	if err != nil {
		return nil, err
	}
	taken = slices.Clone(taken)
	var out []policyDoc
	for _, f := range files {
		if len(out) == n {
			break
		}
		if excluded(corpus, f, exclude) {
			continue
		}
		docs, err := fileDocs(loader, f)
		if err != nil {
			continue // a policy that does not load is not a candidate
		}
		for _, d := range docs {
			if len(out) < n && qualifies(d, want) && !slices.Contains(taken, d.Object.GetName()) {
				out = append(out, d)
				taken = append(taken, d.Object.GetName())
			}
		}
	}
	return out, nil
}

// excluded reports whether file lies under one of the folders (relative to corpus) in exclude.
func excluded(corpus, file string, exclude []string) bool {
	rel, err := filepath.Rel(corpus, file)
	if err != nil {
		return true
	}
	for _, e := range exclude {
		if rel == e || strings.HasPrefix(rel, e+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// qualifies is the test selectExtra applies to one document.
func qualifies(d policyDoc, want string) bool {
	p := d.Policy
	if d.Object.GetKind() != "ClusterPolicy" || !p.Admission || p.Mutates() || p.HasGenerate() ||
		len(p.Unsupported()) > 0 || d.path() != want || hasContext(d.Object) {
		return false
	}
	for _, r := range p.RulesIn(engine.StageValidate) {
		if validatesPodCreate(r) {
			return true
		}
	}
	return false
}

// validatesPodCreate reports whether the rule selects core Pods (group "", "core" or "*"; not a subresource) at CREATE.
func validatesPodCreate(r *engine.Rule) bool {
	for _, k := range r.Scope.Kinds {
		s := k.Selector
		if s.ExactKind() == "Pod" && s.Subresource == "" && (s.Group == "" || s.Group == "*" || s.Group == "core") &&
			slices.Contains(k.Operations, engine.OperationCreate) {
			return true
		}
	}
	return false
}

// hasContext reports whether a rule of the policy object declares context entries.
func hasContext(u *unstructured.Unstructured) bool {
	rules, _, _ := unstructured.NestedSlice(u.Object, "spec", "rules")
	for _, r := range rules {
		if m, ok := r.(map[string]any); ok {
			if c, ok := m["context"].([]any); ok && len(c) > 0 {
				return true
			}
		}
	}
	return false
}

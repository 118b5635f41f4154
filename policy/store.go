package policy

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// Snapshot is one compiled policy set: immutable, shared by every reader without locks.
type Snapshot struct {
	// Revision increases by one with every change of the set.
	Revision int64
	// Policies are sorted by key (ClusterPolicies by name, Policies by namespace/name).
	Policies []*engine.Policy
	// Exceptions are the PolicyExceptions in force, sorted by key.
	Exceptions []*engine.Exception

	index    index
	provider map[string]string
}

// Candidates returns the policies with at least one rule that may match a request for a resource of kind (as in
// "Pod") and resource (the plural resource name, as in "pods"; guessed from the kind when empty), in key order. The
// full match still happens in the engine; this only narrows the set.
func (s *Snapshot) Candidates(kind, resource string) []*engine.Policy {
	return s.index.candidates(kind, resource)
}

// Source returns the name of the source that supplied the policy with key.
func (s *Snapshot) Source(key string) string { return s.provider[key] }

// Store holds the policy snapshot in force. Writers (one per source: the CR controller, each GitSource) replace their
// own entries; every change builds a new snapshot and swaps it in atomically, so an admission request always sees one
// whole, consistent set.
type Store struct {
	current atomic.Pointer[Snapshot]
	ready   atomic.Bool

	mu         sync.Mutex
	waiting    map[string]bool                         // first loads readiness waits for (see Wait)
	policies   map[string]map[string]*engine.Policy    // source -> key -> policy
	exceptions map[string]map[string]*engine.Exception // source -> key -> exception
	subs       []chan struct{}
}

// NewStore returns a Store whose snapshot is empty and not ready.
func NewStore() *Store {
	s := &Store{policies: map[string]map[string]*engine.Policy{}, exceptions: map[string]map[string]*engine.Exception{},
		waiting: map[string]bool{}}
	s.current.Store(&Snapshot{})
	return s
}

// Snapshot returns the snapshot in force. It never returns nil.
func (s *Store) Snapshot() *Snapshot { return s.current.Load() }

// Ready reports whether the first complete policy set has been loaded (see MarkReady) and nothing readiness waits
// for (see Wait) is outstanding.
func (s *Store) Ready() bool {
	if !s.ready.Load() {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiting) == 0
}

// WaitReady waits until Ready, checking every 100 ms; it returns false when ctx ended first.
func (s *Store) WaitReady(ctx context.Context) bool {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !s.Ready() {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}

// Wait makes readiness wait for the first load of key (a source, or a step such as listing the sources), until Done.
func (s *Store) Wait(key string) {
	s.mu.Lock()
	s.waiting[key] = true
	s.mu.Unlock()
}

// Done ends a Wait; it is harmless for a key nobody waits for.
func (s *Store) Done(key string) {
	s.mu.Lock()
	_, was := s.waiting[key]
	delete(s.waiting, key)
	s.mu.Unlock()
	if was {
		s.notify()
	}
}

// Waiting returns the keys readiness still waits for, sorted.
func (s *Store) Waiting() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.waiting)
}

// MarkReady records that the first complete policy set is in the store; admission is served from then on.
func (s *Store) MarkReady() {
	s.ready.Store(true)
	s.notify()
}

// Subscribe returns a channel that receives a value after each change of the snapshot (changes coalesce: a slow
// reader sees the latest state on its next read), and a function that ends the subscription.
func (s *Store) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs = append(s.subs, ch)
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.subs = slices.DeleteFunc(s.subs, func(c chan struct{}) bool { return c == ch })
	}
}

// OtherSources returns the sources other than source that supply a policy with key, sorted.
func (s *Store) OtherSources(source, key string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, src := range sortedKeys(s.policies) {
		if _, ok := s.policies[src][key]; ok && src != source {
			out = append(out, src)
		}
	}
	return out
}

// SetPolicy adds or replaces the policy with p's key from source.
func (s *Store) SetPolicy(source string, p *engine.Policy) {
	s.update(func() {
		if s.policies[source] == nil {
			s.policies[source] = map[string]*engine.Policy{}
		}
		s.policies[source][p.Key()] = p
	})
}

// DeletePolicy removes the policy with key from source.
func (s *Store) DeletePolicy(source, key string) {
	s.update(func() { delete(s.policies[source], key) })
}

// SetException adds or replaces the exception with x's key from source.
func (s *Store) SetException(source string, x *engine.Exception) {
	s.update(func() {
		if s.exceptions[source] == nil {
			s.exceptions[source] = map[string]*engine.Exception{}
		}
		s.exceptions[source][x.Key()] = x
	})
}

// DeleteException removes the exception with key from source.
func (s *Store) DeleteException(source, key string) {
	s.update(func() { delete(s.exceptions[source], key) })
}

// ReplaceSource swaps every policy and exception of source for the given ones in one step.
func (s *Store) ReplaceSource(source string, policies []*engine.Policy, exceptions []*engine.Exception) {
	s.update(func() {
		s.policies[source] = map[string]*engine.Policy{}
		for _, p := range policies {
			s.policies[source][p.Key()] = p
		}
		s.exceptions[source] = map[string]*engine.Exception{}
		for _, x := range exceptions {
			s.exceptions[source][x.Key()] = x
		}
	})
}

func (s *Store) update(change func()) {
	s.mu.Lock()
	change()
	next := s.build(s.current.Load().Revision + 1)
	s.current.Store(next)
	s.mu.Unlock()
	s.notify()
}

func (s *Store) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// build makes a snapshot of the current entries; the caller holds s.mu. When two sources supply the same key, the
// source that sorts first wins here; conflicts are reported by the sources' controllers.
func (s *Store) build(revision int64) *Snapshot {
	snap := &Snapshot{Revision: revision, provider: map[string]string{}}
	for _, source := range sortedKeys(s.policies) {
		for _, key := range sortedKeys(s.policies[source]) {
			if _, taken := snap.provider[key]; taken {
				continue
			}
			snap.provider[key] = source
			snap.Policies = append(snap.Policies, s.policies[source][key])
		}
	}
	slices.SortFunc(snap.Policies, func(a, b *engine.Policy) int { return strings.Compare(a.Key(), b.Key()) })
	for _, source := range sortedKeys(s.exceptions) {
		for _, key := range sortedKeys(s.exceptions[source]) {
			snap.Exceptions = append(snap.Exceptions, s.exceptions[source][key])
		}
	}
	snap.index = buildIndex(snap.Policies)
	return snap
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// index is a snapshot's lookup of candidate policies: by kind name for rules that select kinds, by resource name
// for rules that select resources (a ValidatingPolicy's matchConstraints), and the policies any request may reach
// (a wildcard or pattern kind, a wildcard resource). Each list is in key order.
type index struct {
	byKind     map[string][]*engine.Policy
	byResource map[string][]*engine.Policy
	any        []*engine.Policy
}

// buildIndex indexes policies. Kind selectors come parsed from the engine (engine.Scope), so "Pod/exec", "Pod.exec"
// and "v1/Pod" all index under "Pod", the top-level kind a subresource request is matched as; resource rules index
// under their resource without subresource ("pods/exec" under "pods"), as a request names its resource.
func buildIndex(policies []*engine.Policy) index {
	kinds, resources := map[string]map[*engine.Policy]bool{}, map[string]map[*engine.Policy]bool{}
	wild := map[*engine.Policy]bool{}
	add := func(m map[string]map[*engine.Policy]bool, name string, p *engine.Policy) {
		if m[name] == nil {
			m[name] = map[*engine.Policy]bool{}
		}
		m[name][p] = true
	}
	for _, p := range policies {
		for _, r := range p.Rules {
			for _, k := range r.Scope.Kinds {
				if kind := k.Selector.ExactKind(); kind != "" {
					add(kinds, kind, p)
				} else {
					wild[p] = true
				}
			}
			for _, rr := range r.Scope.Resources {
				for _, res := range rr.Resources {
					if name := topResource(res); name != "" {
						add(resources, name, p)
					} else {
						wild[p] = true
					}
				}
			}
		}
	}
	ix := index{byKind: lists(policies, kinds, wild), byResource: lists(policies, resources, wild)}
	for _, p := range policies {
		if wild[p] {
			ix.any = append(ix.any, p)
		}
	}
	return ix
}

// topResource is the resource a resource rule names without its subresource, or "" for a wildcard resource.
func topResource(res string) string {
	name, _, _ := strings.Cut(res, "/")
	if name == "*" {
		return ""
	}
	return name
}

// lists turns the sets of each name into key-ordered lists that end with, in order, the wildcard policies.
func lists(policies []*engine.Policy, named map[string]map[*engine.Policy]bool, wild map[*engine.Policy]bool) map[string][]*engine.Policy {
	out := make(map[string][]*engine.Policy, len(named))
	for name, set := range named {
		for _, p := range policies {
			if set[p] || wild[p] {
				out[name] = append(out[name], p)
			}
		}
	}
	return out
}

// candidates returns the policies that may select a request for kind and resource, in key order.
func (ix index) candidates(kind, resource string) []*engine.Policy {
	if resource == "" {
		resource = match.ResourceForKind(kind)
	}
	byKind, okKind := ix.byKind[kind]
	byResource, okResource := ix.byResource[resource]
	switch {
	case okKind && okResource:
		return mergeByKey(byKind, byResource)
	case okKind:
		return byKind
	case okResource:
		return byResource
	}
	return ix.any
}

// mergeByKey merges two key-ordered lists, each policy once.
func mergeByKey(a, b []*engine.Policy) []*engine.Policy {
	out := make([]*engine.Policy, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch c := strings.Compare(a[0].Key(), b[0].Key()); {
		case c < 0:
			out, a = append(out, a[0]), a[1:]
		case c > 0:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

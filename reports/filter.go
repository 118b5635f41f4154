package reports

import (
	"maps"
	"slices"
)

// PolicyOrigin is what a Book knows of the policy behind a result: its key and its provenance.
type PolicyOrigin struct {
	// Key is the policy key (engine.Policy.Key).
	Key string
	// Source, Revision and Digest are the policy's provenance (engine.Provenance) when the result was recorded.
	Source   string
	Revision string
	Digest   string
}

// origin returns the PolicyOrigin of m.
func (m *policyMeta) origin() PolicyOrigin {
	return PolicyOrigin{Key: m.key, Source: m.source, Revision: m.revision, Digest: m.digest}
}

// ReportsOf builds, for every namespace that holds results, a report of the results of the policies keep accepts, in
// the order of Namespaces; a namespace where keep accepts none is left out. Summary, caps, dropped count and hash
// are those of the kept results alone. keep is called with the Book locked, once per policy: it must not call the
// Book.
func (b *Book) ReportsOf(keep func(PolicyOrigin) bool) ([]Report, error) {
	byNamespace := b.itemsOf(keep)
	out := make([]Report, 0, len(byNamespace))
	for _, ns := range slices.Sorted(maps.Keys(byNamespace)) {
		rep, err := build(ns, byNamespace[ns], b.opts)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// itemsOf gathers, by namespace, the records of the policies keep accepts; namespaces without any are left out.
func (b *Book) itemsOf(keep func(PolicyOrigin) bool) map[string][]item {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := map[*policyMeta]bool{}
	out := map[string][]item{}
	for ns, entries := range b.namespaces {
		var items []item
		for _, e := range entries {
			for i := range e.records {
				m := e.records[i].meta
				ok, seen := kept[m]
				if !seen {
					ok = keep(m.origin())
					kept[m] = ok
				}
				if ok {
					items = append(items, item{res: &e.res, rec: &e.records[i]})
				}
			}
		}
		if len(items) > 0 {
			out[ns] = items
		}
	}
	return out
}

// Generation returns a number that increases whenever the stored content changes (Set, Update, Delete or
// DeletePolicy that changed something), so a writer can tell cheaply whether there is anything new to write.
func (b *Book) Generation() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.generation
}

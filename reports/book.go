package reports

import (
	"maps"
	"slices"
	"sync"

	"github.com/bylaw-dev/bylaw/engine"
)

// Book aggregates the results of resources and builds their reports. It is safe for concurrent use.
type Book struct {
	opts Options

	mu sync.Mutex
	// entries holds the results of each resource, by Resource.key.
	entries map[string]*entry
	// namespaces indexes entries by namespace (ClusterScope for cluster-scoped resources).
	namespaces map[string]map[string]*entry
	// metas holds the current report attributes of each policy, by key, so records of a policy share one.
	metas map[string]*policyMeta
	// byPolicy holds the attributes of the last compiled policy seen for each key, by pointer, and sources that
	// pointer by key.
	byPolicy map[*engine.Policy]*policyMeta
	sources  map[string]*engine.Policy
	// changed holds the namespaces whose content changed since the last call to Changed.
	changed map[string]struct{}
	// generation counts the changes of stored content (see Generation).
	generation uint64
}

// entry is the results of one resource, in the order they were given. Entries are never changed once stored: a change
// stores a new entry, so a report being built can read the old one without holding the lock.
type entry struct {
	res     Resource
	records []record
}

// NewBook returns an empty Book whose reports follow opts.
func NewBook(opts Options) *Book {
	return &Book{
		opts:       opts.withDefaults(),
		entries:    map[string]*entry{},
		namespaces: map[string]map[string]*entry{},
		metas:      map[string]*policyMeta{},
		byPolicy:   map[*engine.Policy]*policyMeta{},
		sources:    map[string]*engine.Policy{},
		changed:    map[string]struct{}{},
	}
}

// Set replaces every result of res with those of results: the outcome of evaluating every policy in force on it.
// A rule outcome that was already recorded keeps its timestamp. Set reports whether the content changed.
func (b *Book) Set(res Resource, results []engine.PolicyResult) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.store(res, b.records(results))
}

// Update replaces the results of res for the policies in results only and keeps those of other policies: the
// outcome of evaluating some policies (the Audit rules at admission, a re-scan for changed policies). A
// PolicyResult without rules removes that policy's results for res. Update reports whether the content changed.
func (b *Book) Update(res Resource, results []engine.PolicyResult) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	recs := b.records(results)
	if old := b.entries[res.key()]; old != nil {
		for _, r := range old.records {
			if !slices.ContainsFunc(results, func(pr engine.PolicyResult) bool {
				return pr.Policy != nil && pr.Policy.Key() == r.meta.key
			}) {
				recs = append(recs, r)
			}
		}
	}
	return b.store(res, recs)
}

// Delete forgets every result of res (found by UID, or by kind, namespace and name when it has no UID) and reports
// whether it had any.
func (b *Book) Delete(res Resource) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.remove(res.key())
}

// DeletePolicy removes the results of the policy with key (engine.Policy.Key) from every resource and reports
// whether there were any.
func (b *Book) DeletePolicy(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.forgetPolicy(key)
	changed := false
	for k, e := range b.entries {
		if !slices.ContainsFunc(e.records, func(r record) bool { return r.meta.key == key }) {
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(e.records), func(r record) bool { return r.meta.key == key })
		if len(kept) == 0 {
			b.remove(k)
		} else {
			b.put(k, &entry{res: e.res, records: kept})
		}
		changed = true
	}
	return changed
}

// API returns the API group of the reports the Book builds (Options.API).
func (b *Book) API() API { return b.opts.API }

// Changed returns the namespaces whose content changed since the last call, sorted, and forgets them;
// ClusterScope ("") stands for the ClusterPolicyReport.
func (b *Book) Changed() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := slices.Sorted(maps.Keys(b.changed))
	clear(b.changed)
	return out
}

// Namespaces returns the namespaces that hold results, sorted; ClusterScope ("") stands for cluster-scoped
// resources.
func (b *Book) Namespaces() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Sorted(maps.Keys(b.namespaces))
}

// Report builds the report of namespace: a PolicyReport, or the ClusterPolicyReport for ClusterScope. A namespace
// without results gives an empty report (Report.Empty), which a writer deletes. It fails only when the report
// cannot be encoded as JSON, which its types rule out.
func (b *Book) Report(namespace string) (Report, error) {
	b.mu.Lock()
	items := make([]item, 0, b.countIn(namespace))
	for _, e := range b.namespaces[namespace] {
		for i := range e.records {
			items = append(items, item{res: &e.res, rec: &e.records[i]})
		}
	}
	b.mu.Unlock()
	return build(namespace, items, b.opts)
}

// Reports builds the report of every namespace that holds results, in the order of Namespaces.
func (b *Book) Reports() ([]Report, error) {
	namespaces := b.Namespaces()
	out := make([]Report, len(namespaces))
	for i, ns := range namespaces {
		rep, err := b.Report(ns)
		if err != nil {
			return nil, err
		}
		out[i] = rep
	}
	return out, nil
}

// countIn returns the number of records in namespace.
func (b *Book) countIn(namespace string) int {
	n := 0
	for _, e := range b.namespaces[namespace] {
		n += len(e.records)
	}
	return n
}

package reports

import (
	"slices"

	"github.com/bylaw-dev/bylaw/engine"
)

// records converts engine results to records stamped with the current time, in the order of results. The caller
// holds b.mu.
func (b *Book) records(results []engine.PolicyResult) []record {
	n := 0
	for _, pr := range results {
		n += len(pr.Rules)
	}
	now := b.opts.Now().Unix()
	out := make([]record, 0, n)
	for _, pr := range results {
		if pr.Policy == nil {
			continue
		}
		m := b.meta(pr.Policy)
		for _, rr := range pr.Rules {
			result, ok := outcome(rr.Status, m.scored)
			if !ok {
				continue
			}
			out = append(out, record{meta: m, rule: rr.Rule, result: result, exception: rr.Exception,
				message: compactMessage(rr.Message, result, b.opts), seconds: now})
		}
	}
	return out
}

// meta returns the shared report attributes of p: the stored ones while they are unchanged, else new ones. A
// compiled policy is immutable, so the attributes are read once per policy pointer; the Book remembers the last
// pointer of each key only. The caller holds b.mu.
func (b *Book) meta(p *engine.Policy) *policyMeta {
	if m := b.byPolicy[p]; m != nil {
		return m
	}
	m := metaOf(p)
	shared := b.metas[m.key]
	if shared == nil || *shared != m {
		shared = &m
		b.metas[m.key] = shared
	}
	if old := b.sources[m.key]; old != nil {
		delete(b.byPolicy, old)
	}
	b.sources[m.key], b.byPolicy[p] = p, shared
	return shared
}

// forgetPolicy drops the attributes of the policy with key. The caller holds b.mu.
func (b *Book) forgetPolicy(key string) {
	delete(b.byPolicy, b.sources[key])
	delete(b.sources, key)
	delete(b.metas, key)
}

// store makes recs the results of res, keeping the timestamps of unchanged outcomes, and reports whether the
// content changed. The caller holds b.mu.
func (b *Book) store(res Resource, recs []record) bool {
	key := res.key()
	if len(recs) == 0 {
		return b.remove(key)
	}
	old := b.entries[key]
	if old != nil {
		if keepTimestamps(old.records, recs) && old.res == res {
			return false
		}
		if old.res.Namespace != res.Namespace {
			b.remove(key)
		}
	}
	b.put(key, &entry{res: res, records: recs})
	return true
}

// put stores e under key and marks its namespace changed. The caller holds b.mu.
func (b *Book) put(key string, e *entry) {
	b.entries[key] = e
	byKey := b.namespaces[e.res.Namespace]
	if byKey == nil {
		byKey = map[string]*entry{}
		b.namespaces[e.res.Namespace] = byKey
	}
	byKey[key] = e
	b.changed[e.res.Namespace] = struct{}{}
	b.generation++
}

// remove forgets the entry under key, marks its namespace changed and reports whether there was one. The caller
// holds b.mu.
func (b *Book) remove(key string) bool {
	old := b.entries[key]
	if old == nil {
		return false
	}
	delete(b.entries, key)
	ns := old.res.Namespace
	delete(b.namespaces[ns], key)
	if len(b.namespaces[ns]) == 0 {
		delete(b.namespaces, ns)
	}
	b.changed[ns] = struct{}{}
	b.generation++
	return true
}

// keepTimestamps gives each record of recs that says the same as a record of old for the same policy and rule the
// old record's timestamp, and reports whether recs says exactly what old says, in any order. The rules of a policy
// have distinct names; records usually come in the same order as before, which makes the search short.
func keepTimestamps(old, recs []record) bool {
	same := len(old) == len(recs)
	for j := range recs {
		i := j
		if i >= len(old) || !old[i].samePlace(&recs[j]) {
			i = slices.IndexFunc(old, func(o record) bool { return o.samePlace(&recs[j]) })
		}
		if i >= 0 && old[i].sameOutcome(&recs[j]) {
			recs[j].seconds = old[i].seconds
			continue
		}
		same = false
	}
	return same
}

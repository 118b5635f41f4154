package match

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// pairPattern is a key and a value pattern that must both match one entry
// of a map.
type pairPattern struct {
	key, value pattern
}

// match reports whether one entry of m matches both patterns. An exact key is
// looked up directly.
func (pp *pairPattern) match(m map[string]string) bool {
	if !pp.key.isWildcard() {
		v, ok := m[pp.key.lit]
		return ok && pp.value.match(v)
	}
	for k, v := range m {
		if pp.key.match(k) && pp.value.match(v) {
			return true
		}
	}
	return false
}

// pairPatterns is a list of pair patterns that must all match.
type pairPatterns []pairPattern

// compilePairs compiles every key and value of m.
func compilePairs(m map[string]string) pairPatterns {
	if len(m) == 0 {
		return nil
	}
	out := make(pairPatterns, 0, len(m))
	for k, v := range m {
		out = append(out, pairPattern{key: compilePattern(k), value: compilePattern(v)})
	}
	return out
}

// matchAll reports whether every pair matches an entry of m.
func (ps pairPatterns) matchAll(m map[string]string) bool {
	for i := range ps {
		if !ps[i].match(m) {
			return false
		}
	}
	return true
}

// labelSelector is a compiled metav1.LabelSelector. matchLabels entries with
// wildcards in the key or value are kept apart (Kyverno expands them against
// the object's labels); the rest is a regular labels.Selector.
type labelSelector struct {
	plain labels.Selector
	wild  pairPatterns
}

// compileLabelSelector splits the wildcard matchLabels out of sel and
// validates the rest.
func compileLabelSelector(sel *metav1.LabelSelector) (*labelSelector, error) {
	if sel == nil {
		return nil, nil
	}
	plain := &metav1.LabelSelector{MatchExpressions: sel.MatchExpressions}
	var wild pairPatterns
	for k, v := range sel.MatchLabels {
		pp := pairPattern{key: compilePattern(k), value: compilePattern(v)}
		if pp.key.isWildcard() || pp.value.isWildcard() {
			wild = append(wild, pp)
			continue
		}
		if plain.MatchLabels == nil {
			plain.MatchLabels = make(map[string]string, len(sel.MatchLabels))
		}
		plain.MatchLabels[k] = v
	}
	s, err := metav1.LabelSelectorAsSelector(plain)
	if err != nil {
		return nil, fmt.Errorf("invalid label selector: %w", err)
	}
	return &labelSelector{plain: s, wild: wild}, nil
}

// match reports whether the labels satisfy the selector.
func (ls *labelSelector) match(m map[string]string) bool {
	return ls.wild.matchAll(m) && ls.plain.Matches(labels.Set(m))
}

// String renders the plain part of the selector, for messages.
func (ls *labelSelector) String() string {
	s := ls.plain.String()
	for _, w := range ls.wild {
		if s != "" {
			s += ","
		}
		s += w.key.raw + "=" + w.value.raw
	}
	return s
}

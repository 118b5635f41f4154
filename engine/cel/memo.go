package cel

import (
	"sync"
	"sync/atomic"
)

// maxMemo is the number of entries a memo keeps in its list before it moves on to a sync.Map.
const maxMemo = 32

// memo is a concurrent map for the few values a prepared Input memoizes per rule or per variable: a list, newest
// first, searched linearly, which costs a few comparisons for the rules of one resource where a sync.Map costs a
// hash and more; past maxMemo entries it continues in a sync.Map. Two goroutines storing one key at once may both
// store it; the first entry found wins, so callers store only values that may stand for each other.
type memo[K comparable, V any] struct {
	head atomic.Pointer[memoEntry[K, V]]
	more sync.Map
}

type memoEntry[K comparable, V any] struct {
	key  K
	val  V
	next *memoEntry[K, V]
	n    int // position from the end: the oldest entry is 1
}

// load returns the value stored for key.
func (m *memo[K, V]) load(key K) (V, bool) {
	head := m.head.Load()
	for e := head; e != nil; e = e.next {
		if e.key == key {
			return e.val, true
		}
	}
	if head != nil && head.n >= maxMemo {
		if v, ok := m.more.Load(key); ok {
			return v.(V), true
		}
	}
	var zero V
	return zero, false
}

// store records val for key.
func (m *memo[K, V]) store(key K, val V) {
	e := &memoEntry[K, V]{key: key, val: val, n: 1}
	for {
		head := m.head.Load()
		if head != nil && head.n >= maxMemo {
			m.more.LoadOrStore(key, val)
			return
		}
		e.next = head
		if head != nil {
			e.n = head.n + 1
		}
		if m.head.CompareAndSwap(head, e) {
			return
		}
	}
}

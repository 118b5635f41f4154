package cel

import (
	"reflect"
	"sync/atomic"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// lazyMap is a decoded JSON object whose fields are converted on first access and then kept; safe for concurrent
// use. The first few fields read are kept in a short list, newest first, so that a rule reading two fields of a
// large object converts two; once more are read, every field is converted into a map, so that a lookup never
// scans more than maxListed entries. Iteration, equality and conversion go through a cel-go map over every field,
// built when first needed.
type lazyMap struct {
	raw    map[string]any
	listed atomic.Pointer[field]
	all    atomic.Pointer[map[string]ref.Val]
	cel    atomic.Pointer[celMap]
	sizes  atomic.Pointer[sizes]
}

// celMap holds the cel-go map of a lazyMap.
type celMap struct{ traits.Mapper }

// maxListed is the number of converted fields a lazyMap keeps in its list before it converts every field.
const maxListed = 8

// field is a converted field of a lazyMap, in its list; n is its position from the end (the oldest field is 1).
type field struct {
	key  string
	val  ref.Val
	next *field
	n    int
}

// find returns the value of key among the fields from f up to stop (excluded).
func (f *field) find(key string, stop *field) (ref.Val, bool) {
	for ; f != stop; f = f.next {
		if f.key == key {
			return f.val, true
		}
	}
	return nil, false
}

var _ traits.Mapper = (*lazyMap)(nil)

// size returns the sizes of the object (see sizeOf), measured once.
func (m *lazyMap) size() (coll, str int) { return measureOnce(&m.sizes, m.raw) }

// field returns the converted value of key, converting and keeping it on first access.
func (m *lazyMap) field(key string) (ref.Val, bool) {
	if all := m.all.Load(); all != nil {
		v, ok := (*all)[key]
		return v, ok
	}
	head := m.listed.Load()
	if v, ok := head.find(key, nil); ok {
		return v, true
	}
	raw, ok := m.raw[key]
	if !ok {
		return nil, false
	}
	if head != nil && head.n >= maxListed {
		return (*m.every())[key], true
	}
	f := &field{key: key, val: lazyVal(raw)}
	for {
		f.next, f.n = head, 1
		if head != nil {
			f.n = head.n + 1
		}
		if m.listed.CompareAndSwap(head, f) {
			return f.val, true
		}
		// Another reader added fields meanwhile: take its value of key if it converted it too.
		newHead := m.listed.Load()
		if v, ok := newHead.find(key, head); ok {
			return v, true
		}
		head = newHead
	}
}

// every returns every field converted, keeping the values of the listed fields.
func (m *lazyMap) every() *map[string]ref.Val {
	if all := m.all.Load(); all != nil {
		return all
	}
	listed := m.listed.Load()
	all := make(map[string]ref.Val, len(m.raw))
	for k, v := range m.raw {
		if val, ok := listed.find(k, nil); ok {
			all[k] = val
		} else {
			all[k] = lazyVal(v)
		}
	}
	return publish(&m.all, &all)
}

// mapper returns the cel-go map over every field. Its keys are ref.Val, not a map[string]any: cel-go hands a
// map[string]any back unconverted to native conversions, which would then see CEL values inside.
func (m *lazyMap) mapper() traits.Mapper {
	if c := m.cel.Load(); c != nil {
		return c.Mapper
	}
	all := *m.every()
	entries := make(map[ref.Val]ref.Val, len(all))
	for k, v := range all {
		entries[types.String(k)] = v
	}
	return publish(&m.cel, &celMap{types.NewRefValMap(types.DefaultTypeAdapter, entries)}).Mapper
}

// Find implements traits.Mapper. A key that is not a string is never found, as in cel-go's maps of string keys.
func (m *lazyMap) Find(key ref.Val) (ref.Val, bool) {
	k, ok := key.(types.String)
	if !ok {
		return nil, false
	}
	return m.field(string(k))
}

// Get implements traits.Indexer with the semantics of cel-go's maps.
func (m *lazyMap) Get(key ref.Val) ref.Val {
	v, found := m.Find(key)
	if !found {
		return types.ValOrErr(v, "no such key: %v", key)
	}
	return v
}

// Contains implements traits.Container.
func (m *lazyMap) Contains(key ref.Val) ref.Val {
	_, found := m.Find(key)
	return types.Bool(found)
}

// ConvertToType implements ref.Val.
func (m *lazyMap) ConvertToType(t ref.Type) ref.Val {
	if t == types.MapType {
		return m
	}
	return m.mapper().ConvertToType(t)
}

// The methods below delegate to the cel-go map.

func (m *lazyMap) ConvertToNative(t reflect.Type) (any, error) { return m.mapper().ConvertToNative(t) }
func (m *lazyMap) Equal(other ref.Val) ref.Val                 { return m.mapper().Equal(other) }
func (m *lazyMap) Type() ref.Type                              { return types.MapType }
func (m *lazyMap) Value() any                                  { return m.mapper().Value() }
func (m *lazyMap) Iterator() traits.Iterator                   { return m.mapper().Iterator() }
func (m *lazyMap) Size() ref.Val                               { return types.Int(len(m.raw)) }
func (m *lazyMap) IsZeroValue() bool                           { return len(m.raw) == 0 }

package cel

import (
	"reflect"
	"sync"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// lazyVal binds a decoded value for a prepared Input. Objects and arrays become lazyMap and lazyList, which convert
// their direct children on first access, once, and then answer from cel-go's own ref.Val map and list: parts of
// the resource no rule reads are never converted, and parts every rule reads are converted once.
func lazyVal(v any) ref.Val {
	switch x := v.(type) {
	case nil:
		return types.NullValue
	case string:
		return types.String(x)
	case bool:
		return types.Bool(x)
	case int64:
		return types.Int(x)
	case int:
		return types.Int(x)
	case float64:
		return types.Double(x)
	case map[string]any:
		if x == nil {
			return types.NullValue
		}
		return &lazyMap{raw: x}
	case []any:
		return &lazyList{raw: x}
	}
	return types.DefaultTypeAdapter.NativeToValue(v)
}

// lazyMap is a decoded JSON object converted one level at a time; safe for concurrent use.
type lazyMap struct {
	raw  map[string]any
	once sync.Once
	val  traits.Mapper
}

var _ traits.Mapper = (*lazyMap)(nil)

func (m *lazyMap) mapper() traits.Mapper {
	m.once.Do(func() {
		// ref.Val keys, not a map[string]any: cel-go hands a map[string]any back unconverted to native
		// conversions, which would then see CEL values inside.
		entries := make(map[ref.Val]ref.Val, len(m.raw))
		for k, v := range m.raw {
			entries[types.String(k)] = lazyVal(v)
		}
		m.val = types.NewRefValMap(types.DefaultTypeAdapter, entries)
	})
	return m.val
}

// The methods below delegate to the converted map.

func (m *lazyMap) ConvertToNative(t reflect.Type) (any, error) { return m.mapper().ConvertToNative(t) }
func (m *lazyMap) ConvertToType(t ref.Type) ref.Val            { return m.mapper().ConvertToType(t) }
func (m *lazyMap) Equal(other ref.Val) ref.Val                 { return m.mapper().Equal(other) }
func (m *lazyMap) Type() ref.Type                              { return types.MapType }
func (m *lazyMap) Value() any                                  { return m.mapper().Value() }
func (m *lazyMap) Contains(key ref.Val) ref.Val                { return m.mapper().Contains(key) }
func (m *lazyMap) Get(key ref.Val) ref.Val                     { return m.mapper().Get(key) }
func (m *lazyMap) Iterator() traits.Iterator                   { return m.mapper().Iterator() }
func (m *lazyMap) Size() ref.Val                               { return types.Int(len(m.raw)) }
func (m *lazyMap) Find(key ref.Val) (ref.Val, bool)            { return m.mapper().Find(key) }
func (m *lazyMap) IsZeroValue() bool                           { return len(m.raw) == 0 }

// lazyList is a decoded JSON array converted one level at a time; safe for concurrent use.
type lazyList struct {
	raw  []any
	once sync.Once
	val  traits.Lister
}

var _ traits.Lister = (*lazyList)(nil)

func (l *lazyList) lister() traits.Lister {
	l.once.Do(func() {
		elems := make([]ref.Val, len(l.raw))
		for i, v := range l.raw {
			elems[i] = lazyVal(v)
		}
		l.val = types.NewRefValList(types.DefaultTypeAdapter, elems)
	})
	return l.val
}

// The methods below delegate to the converted list.

func (l *lazyList) ConvertToNative(t reflect.Type) (any, error) { return l.lister().ConvertToNative(t) }
func (l *lazyList) ConvertToType(t ref.Type) ref.Val            { return l.lister().ConvertToType(t) }
func (l *lazyList) Equal(other ref.Val) ref.Val                 { return l.lister().Equal(other) }
func (l *lazyList) Type() ref.Type                              { return types.ListType }
func (l *lazyList) Value() any                                  { return l.lister().Value() }
func (l *lazyList) Add(other ref.Val) ref.Val                   { return l.lister().Add(other) }
func (l *lazyList) Contains(elem ref.Val) ref.Val               { return l.lister().Contains(elem) }
func (l *lazyList) Get(index ref.Val) ref.Val                   { return l.lister().Get(index) }
func (l *lazyList) Iterator() traits.Iterator                   { return l.lister().Iterator() }
func (l *lazyList) Size() ref.Val                               { return types.Int(len(l.raw)) }
func (l *lazyList) IsZeroValue() bool                           { return len(l.raw) == 0 }

// Fold implements traits.Foldable, which comprehensions use to iterate without an iterator.
func (l *lazyList) Fold(f traits.Folder) {
	if fl, ok := l.lister().(traits.Foldable); ok {
		fl.Fold(f)
		return
	}
	for i := 0; i < len(l.raw); i++ {
		if !f.FoldEntry(i, l.Get(types.Int(i))) {
			return
		}
	}
}

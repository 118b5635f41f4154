package cel

import (
	"sync/atomic"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// lazyVal binds a decoded value for a prepared Input. Objects and arrays become lazyMap and lazyList, which convert
// their children on first access, once, and then answer from the converted children: parts of the resource no
// rule reads are never converted, and parts every rule reads are converted once.
//
// The lazy values publish what they convert or measure with atomic pointers rather than sync.Once: two readers
// racing may both do the work, and every reader then uses the value published first. That keeps the values small
// (a Pod converts dozens of them, once per resource).
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

// sizes are the sizes of a decoded value (see sizeOf).
type sizes struct{ coll, str int }

// measureOnce returns the sizes of raw, measured on first use and kept in *cache.
func measureOnce(cache *atomic.Pointer[sizes], raw any) (coll, str int) {
	s := cache.Load()
	if s == nil {
		s = &sizes{}
		s.coll, s.str = sizeOf(raw)
		if !cache.CompareAndSwap(nil, s) {
			s = cache.Load()
		}
	}
	return s.coll, s.str
}

// publish stores v in *p unless a value is there already, and returns the value *p holds.
func publish[T any](p *atomic.Pointer[T], v *T) *T {
	if p.CompareAndSwap(nil, v) {
		return v
	}
	return p.Load()
}

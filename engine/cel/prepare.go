package cel

import (
	"math/bits"
	"sync"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// prepared holds the CEL values of a prepared Input, each converted on first use, and their sizes (see sizeOf),
// each measured on first use.
type prepared struct {
	object, oldObject, request, namespace, params onceVal

	sizes [5]onceSize
}

// onceSize is a size measured once, safely under concurrent use.
type onceSize struct {
	once      sync.Once
	coll, str int
}

// size returns the sizes of v, the input bound to root r (see sizeOf).
func (p *prepared) size(r rootSet, v any) (coll, str int) {
	s := &p.sizes[bits.TrailingZeros8(uint8(r))]
	s.once.Do(func() { s.coll, s.str = sizeOf(v) })
	return s.coll, s.str
}

// onceVal is a value converted once, safely under concurrent use.
type onceVal struct {
	once sync.Once
	val  ref.Val
}

func (o *onceVal) get(v any) ref.Val {
	o.once.Do(func() { o.val = deepVal(v) })
	return o.val
}

// Prepare returns a copy of in whose values are converted to CEL values once, on first use, and shared by every
// Evaluate and Match the copy is passed to. Use it when several rules evaluate the same resource: each rule then
// reads the converted tree instead of wrapping maps and lists on every access. The copy is safe for concurrent use;
// its maps must not be modified while it is in use.
func (in Input) Prepare() Input {
	in.prepared = &prepared{}
	return in
}

// deepVal converts a decoded value into CEL values all the way down: maps become ref.Val-keyed maps and lists
// ref.Val lists, so that field selection, indexing and iteration return stored values without converting again.
func deepVal(v any) ref.Val {
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
		m := make(map[ref.Val]ref.Val, len(x))
		for k, e := range x {
			m[types.String(k)] = deepVal(e)
		}
		return types.NewRefValMap(types.DefaultTypeAdapter, m)
	case []any:
		l := make([]ref.Val, len(x))
		for i, e := range x {
			l[i] = deepVal(e)
		}
		return types.NewRefValList(types.DefaultTypeAdapter, l)
	}
	return types.DefaultTypeAdapter.NativeToValue(v)
}

package cel

import (
	"fmt"
	"reflect"
	"sync/atomic"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// lazyList is a decoded JSON array whose elements are converted on first access, all at once; safe for concurrent
// use.
type lazyList struct {
	raw   []any
	list  atomic.Pointer[valList]
	sizes atomic.Pointer[sizes]
}

var _ traits.Lister = (*lazyList)(nil)

// size returns the sizes of the array (see sizeOf), measured once.
func (l *lazyList) size() (coll, str int) { return measureOnce(&l.sizes, l.raw) }

// converted returns the list of converted elements.
func (l *lazyList) converted() *valList {
	if v := l.list.Load(); v != nil {
		return v
	}
	elems := make([]ref.Val, len(l.raw))
	for i, v := range l.raw {
		elems[i] = lazyVal(v)
	}
	return publish(&l.list, &valList{elems: elems})
}

// The methods below delegate to the converted list, except those that need no conversion.

func (l *lazyList) ConvertToNative(t reflect.Type) (any, error) {
	return l.converted().ConvertToNative(t)
}
func (l *lazyList) ConvertToType(t ref.Type) ref.Val {
	if t == types.ListType {
		return l
	}
	return l.converted().ConvertToType(t)
}
func (l *lazyList) Equal(other ref.Val) ref.Val   { return l.converted().Equal(other) }
func (l *lazyList) Type() ref.Type                { return types.ListType }
func (l *lazyList) Value() any                    { return l.converted().Value() }
func (l *lazyList) Add(other ref.Val) ref.Val     { return l.converted().concat(l, other) }
func (l *lazyList) Contains(elem ref.Val) ref.Val { return l.converted().Contains(elem) }
func (l *lazyList) Get(index ref.Val) ref.Val     { return l.converted().Get(index) }
func (l *lazyList) Iterator() traits.Iterator     { return l.converted().Iterator() }
func (l *lazyList) Fold(f traits.Folder)          { l.converted().Fold(f) }
func (l *lazyList) Size() ref.Val                 { return types.Int(len(l.raw)) }
func (l *lazyList) IsZeroValue() bool             { return len(l.raw) == 0 }

// maxFlatConcat bounds the concatenations Add copies into one list; longer ones stay cel-go's constant-time
// concatenated lists, so that a `+` never costs more than the cost model charges for it (a constant).
const maxFlatConcat = 32

// valList is a list of CEL values: the elements of a converted lazyList, or a short concatenation of such lists
// (`object.spec.containers + object.spec.?initContainers.orValue([])`), which comprehensions then iterate without
// going through cel-go's nested concatenated lists. Indexing, iteration and folding read the elements directly;
// the other methods go through a cel-go list over them, built when first needed. Safe for concurrent use.
type valList struct {
	elems []ref.Val
	cel   atomic.Pointer[celList]
}

// celList holds the cel-go list of a valList.
type celList struct{ traits.Lister }

var _ traits.Lister = (*valList)(nil)

func (l *valList) lister() traits.Lister {
	if c := l.cel.Load(); c != nil {
		return c.Lister
	}
	return publish(&l.cel, &celList{types.NewRefValList(types.DefaultTypeAdapter, l.elems)}).Lister
}

// Get implements traits.Indexer with the semantics of cel-go's lists.
func (l *valList) Get(index ref.Val) ref.Val {
	i, err := types.IndexOrError(index)
	if err != nil {
		return types.ValOrErr(index, "%v", err)
	}
	if i < 0 || i >= len(l.elems) {
		return types.NewErr("index '%d' out of range in list size '%d'", i, len(l.elems))
	}
	return l.elems[i]
}

// Iterator implements traits.Iterable.
func (l *valList) Iterator() traits.Iterator { return &sliceIterator{elems: l.elems} }

// Fold implements traits.Foldable, which two-variable comprehensions use.
func (l *valList) Fold(f traits.Folder) {
	for i, v := range l.elems {
		if !f.FoldEntry(i, v) {
			return
		}
	}
}

// Add implements traits.Adder.
func (l *valList) Add(other ref.Val) ref.Val { return l.concat(l, other) }

// concat returns self (whose elements are l's) followed by other, with the semantics of cel-go's list
// concatenation: an empty operand gives the other one back.
func (l *valList) concat(self traits.Lister, other ref.Val) ref.Val {
	o, ok := other.(traits.Lister)
	if !ok {
		return types.MaybeNoSuchOverloadErr(other)
	}
	if len(l.elems) == 0 {
		return other
	}
	if o.Size() == types.IntZero {
		return self
	}
	var tail []ref.Val
	switch x := other.(type) {
	case *lazyList:
		tail = x.converted().elems
	case *valList:
		tail = x.elems
	}
	if tail == nil || len(l.elems)+len(tail) > maxFlatConcat {
		return l.lister().Add(other)
	}
	return &valList{elems: append(append(make([]ref.Val, 0, len(l.elems)+len(tail)), l.elems...), tail...)}
}

// The methods below delegate to the cel-go list.

func (l *valList) ConvertToNative(t reflect.Type) (any, error) { return l.lister().ConvertToNative(t) }
func (l *valList) ConvertToType(t ref.Type) ref.Val {
	if t == types.ListType {
		return l
	}
	return l.lister().ConvertToType(t)
}
func (l *valList) Equal(other ref.Val) ref.Val   { return l.lister().Equal(other) }
func (l *valList) Type() ref.Type                { return types.ListType }
func (l *valList) Value() any                    { return l.lister().Value() }
func (l *valList) Contains(elem ref.Val) ref.Val { return l.lister().Contains(elem) }
func (l *valList) Size() ref.Val                 { return types.Int(len(l.elems)) }
func (l *valList) IsZeroValue() bool             { return len(l.elems) == 0 }

// sliceIterator iterates converted list elements, as cel-go's list iterator does without its per-element index
// conversion.
type sliceIterator struct {
	elems []ref.Val
	next  int
}

var _ traits.Iterator = (*sliceIterator)(nil)

// HasNext implements traits.Iterator.
func (it *sliceIterator) HasNext() ref.Val { return types.Bool(it.next < len(it.elems)) }

// Next implements traits.Iterator; nil once the elements are exhausted.
func (it *sliceIterator) Next() ref.Val {
	if it.next >= len(it.elems) {
		return nil
	}
	v := it.elems[it.next]
	it.next++
	return v
}

// The methods below are those of cel-go's iterators, which are not values a program can see.

func (*sliceIterator) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("type conversion on iterators not supported")
}
func (*sliceIterator) ConvertToType(ref.Type) ref.Val { return types.NewErr("no such overload") }
func (*sliceIterator) Equal(ref.Val) ref.Val          { return types.NewErr("no such overload") }
func (*sliceIterator) Type() ref.Type                 { return types.IteratorType }
func (*sliceIterator) Value() any                     { return nil }

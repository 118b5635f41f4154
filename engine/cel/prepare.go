package cel

import (
	"math/bits"
	"sync"

	"github.com/google/cel-go/common/types/ref"
)

// prepared holds the CEL values of a prepared Input, each converted on first use, and their sizes (see sizeOf),
// each measured on first use.
type prepared struct {
	object, oldObject, request, namespace onceVal

	sizes [4]onceSize
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
	o.once.Do(func() { o.val = lazyVal(v) })
	return o.val
}

// Prepare returns a copy of in whose values are converted to CEL values once, on first use, and shared by every
// Evaluate and Match the copy (or a copy of it) is passed to. Use it when several rules evaluate the same resource:
// each rule then reads converted values instead of wrapping maps and lists on every access, and only the parts
// some rule reads are converted (see lazyVal). Params is not
// cached, so each rule may set its own on its copy; Object, OldObject, Request and NamespaceObject must not change.
// The copy is safe for concurrent use; its maps must not be modified while it is in use.
func (in Input) Prepare() Input {
	in.prepared = &prepared{}
	return in
}

package cel

import (
	"sync"
	"sync/atomic"

	"github.com/google/cel-go/common/types/ref"
)

// prepared holds the CEL values of a prepared Input, each converted on first use, the values of shared variables
// (see shared.go) by key, and whether each cost model allows the untracked programs (see costModel.allows).
type prepared struct {
	object, oldObject, request, namespace onceVal

	vars      memo[string, ref.Val]
	models    [modelSlots]atomic.Pointer[modelDecision]
	decisions memo[*costModel, bool]
}

// modelSlots is the number of cost models whose decisions a prepared input keeps in slots, found without a search.
const modelSlots = 32

// value returns the converted value of root r of in (params are never prepared).
func (p *prepared) value(r rootSet, in *Input) ref.Val {
	switch r {
	case rootObject:
		return p.object.get(in.Object)
	case rootOldObject:
		return p.oldObject.get(in.OldObject)
	case rootRequest:
		return p.request.get(in.request())
	case rootNamespace:
		return p.namespace.get(in.namespaceObject())
	}
	return lazyVal(in.Params)
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

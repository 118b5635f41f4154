package cel

import (
	"context"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/generator"
)

// Input is what a rule sees. Maps are decoded JSON or YAML (map[string]any, []any, string, bool, nil and int64,
// int or float64 numbers); they are bound as they are, never copied or converted to typed objects.
type Input struct {
	// Object is the resource (request.object); nil on DELETE, when it is bound to null.
	Object map[string]any
	// OldObject is the previous resource on UPDATE and DELETE; nil otherwise.
	OldObject map[string]any
	// Request has the admission.k8s.io/v1 AdmissionRequest shape (operation, userInfo, namespace, name, kind,
	// resource, ...), without object and oldObject.
	Request map[string]any
	// Params is the parameter resource selected by paramRef, or nil.
	Params any
	// NamespaceObject is the namespace of a namespaced resource; nil for cluster-scoped or unknown.
	NamespaceObject map[string]any
	// Context serves the calls of the resource, http, globalContext and image metadata libraries (compilers
	// WithKyvernoLibraries); nil makes every such call an error.
	Context Context

	// prepared caches converted values shared by copies of a prepared Input; nil when not prepared.
	prepared *prepared
	// deferred builds Request and NamespaceObject on first use (see Defer); nil when they are set.
	deferred *deferred
}

// evaluation is the state of one rule or precondition evaluation. It is the CEL activation: variables resolve to
// the input, converted on first use, and to the lazy `variables` map.
type evaluation struct {
	ctx  context.Context
	prog *Program
	in   Input
	// libs binds the library variables; nil without Kyverno's libraries.
	libs *libBinding
	// generated records generator.Apply calls; nil outside the generate expressions of a GeneratingPolicy.
	generated *generator.Recorder

	object, oldObject, request, namespace, params ref.Val
	// vars is the `variables` value, set up on first use (vars.ev is nil until then).
	vars variableMap

	// fast selects the untracked programs (see estimate.go). Otherwise budget is the cost left for this
	// evaluation and pending the cost of variables evaluated since the last charge.
	fast    bool
	budget  int64
	pending int64
}

var _ interpreter.Activation = (*evaluation)(nil)

// ResolveName implements interpreter.Activation.
func (ev *evaluation) ResolveName(name string) (any, bool) {
	if p := ev.in.prepared; p != nil {
		return ev.resolvePrepared(p, name)
	}
	switch name {
	case varObject:
		return resolveMap(&ev.object, ev.in.Object), true
	case varOldObject:
		return resolveMap(&ev.oldObject, ev.in.OldObject), true
	case varRequest:
		return resolveMap(&ev.request, ev.in.request()), true
	case varNamespace:
		return resolveMap(&ev.namespace, ev.in.namespaceObject()), true
	case varParams:
		return ev.resolveParams(), true
	}
	return ev.resolveVariables(name)
}

// resolveParams converts params on first use in this evaluation; they are never shared between evaluations.
func (ev *evaluation) resolveParams() ref.Val {
	if ev.params == nil {
		ev.params = toVal(ev.in.Params)
	}
	return ev.params
}

// resolvePrepared resolves names from the converted values of a prepared Input.
func (ev *evaluation) resolvePrepared(p *prepared, name string) (any, bool) {
	switch name {
	case varObject:
		return p.object.get(ev.in.Object), true
	case varOldObject:
		return p.oldObject.get(ev.in.OldObject), true
	case varRequest:
		return p.request.get(ev.in.request()), true
	case varNamespace:
		return p.namespace.get(ev.in.namespaceObject()), true
	case varParams:
		return ev.resolveParams(), true
	}
	return ev.resolveVariables(name)
}

// resolveVariables resolves `variables`, built on first use; preconditions have none.
func (ev *evaluation) resolveVariables(name string) (any, bool) {
	if name != varVariables {
		return ev.resolveLibrary(name)
	}
	if ev.prog == nil {
		return nil, false
	}
	if ev.vars.ev == nil {
		ev.vars.init(ev)
	}
	return &ev.vars, true
}

// Parent implements interpreter.Activation.
func (ev *evaluation) Parent() interpreter.Activation { return nil }

// resolveMap converts m on first use and caches the value in *cache.
func resolveMap(cache *ref.Val, m map[string]any) ref.Val {
	if *cache == nil {
		if m == nil {
			*cache = types.NullValue
		} else {
			*cache = types.NewStringInterfaceMap(types.DefaultTypeAdapter, m)
		}
	}
	return *cache
}

// toVal binds a decoded value as a CEL value; nil is null.
func toVal(v any) ref.Val {
	if v == nil {
		return types.NullValue
	}
	return types.DefaultTypeAdapter.NativeToValue(v)
}

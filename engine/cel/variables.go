package cel

import (
	"fmt"
	"math"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	apiservercel "k8s.io/apiserver/pkg/cel"
)

// declTypeOf gives the declared type of a variable from its expression's output type, so that expressions using
// variables.<name> type-check (and estimate cost) as ValidatingAdmissionPolicy does. Lists and maps keep their
// element types; other types become dyn.
func declTypeOf(t *cel.Type) *apiservercel.DeclType {
	if t == nil {
		return apiservercel.DynType
	}
	if d, ok := scalarDeclType(t); ok {
		return d
	}
	if t.HasTrait(traits.ContainerType) && t.HasTrait(traits.IndexerType) {
		params := t.Parameters()
		switch len(params) {
		case 1:
			return apiservercel.NewListType(declTypeOf(params[0]), -1)
		case 2:
			return apiservercel.NewMapType(declTypeOf(params[0]), declTypeOf(params[1]), -1)
		}
	}
	return apiservercel.DynType
}

func scalarDeclType(t *cel.Type) (*apiservercel.DeclType, bool) {
	switch t {
	case cel.AnyType:
		return apiservercel.AnyType, true
	case cel.BoolType:
		return apiservercel.BoolType, true
	case cel.BytesType:
		return apiservercel.BytesType, true
	case cel.DoubleType:
		return apiservercel.DoubleType, true
	case cel.DurationType:
		return apiservercel.DurationType, true
	case cel.IntType:
		return apiservercel.IntType, true
	case cel.NullType:
		return apiservercel.NullType, true
	case cel.StringType:
		return apiservercel.StringType, true
	case cel.TimestampType:
		return apiservercel.TimestampType, true
	case cel.UintType:
		return apiservercel.UintType, true
	}
	return nil, false
}

// variableMap is the `variables` value of one evaluation: each entry is computed on first use with the
// evaluation's activation, at most once, and its cost is charged to the evaluation. It plays the part of the
// apiserver's lazy.MapValue without per-evaluation maps and callbacks; it lives inside the evaluation, and so do
// the values of rules with few variables.
type variableMap struct {
	ev     *evaluation
	vals   []ref.Val
	inline [4]ref.Val
}

// init sets the map up for ev.
func (m *variableMap) init(ev *evaluation) {
	m.ev = ev
	if n := len(ev.prog.variables); n <= len(m.inline) {
		m.vals = m.inline[:n]
	} else {
		m.vals = make([]ref.Val, n)
	}
}

var _ traits.Mapper = (*variableMap)(nil)

// index returns the position of the variable named by key, or -1.
func (m *variableMap) index(key ref.Val) int {
	name, ok := key.(types.String)
	if !ok {
		return -1
	}
	for i := range m.ev.prog.variables {
		if m.ev.prog.variables[i].name == string(name) {
			return i
		}
	}
	return -1
}

// Find implements traits.Mapper.
func (m *variableMap) Find(key ref.Val) (ref.Val, bool) {
	i := m.index(key)
	if i < 0 {
		return nil, false
	}
	if m.vals[i] == nil {
		m.vals[i] = m.ev.evalVariable(&m.ev.prog.variables[i])
	}
	return m.vals[i], true
}

// Get implements traits.Indexer.
func (m *variableMap) Get(key ref.Val) ref.Val {
	if v, ok := m.Find(key); ok {
		return v
	}
	return types.ValOrErr(key, "no such key: %v", key)
}

// Contains implements traits.Container.
func (m *variableMap) Contains(key ref.Val) ref.Val {
	v, ok := m.Find(key)
	if ok && types.IsUnknownOrError(v) {
		return v
	}
	return types.Bool(ok)
}

// Size implements traits.Sizer.
func (m *variableMap) Size() ref.Val { return types.Int(len(m.vals)) }

// Iterator implements traits.Iterable: the variable names, in declaration order.
func (m *variableMap) Iterator() traits.Iterator {
	names := make([]ref.Val, len(m.ev.prog.variables))
	for i := range m.ev.prog.variables {
		names[i] = types.String(m.ev.prog.variables[i].name)
	}
	return types.NewRefValList(types.DefaultTypeAdapter, names).Iterator()
}

// ConvertToNative implements ref.Val; variables cannot leave CEL.
func (m *variableMap) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("disallowed conversion from %q to %q", variablesTypeName, t)
}

// ConvertToType implements ref.Val.
func (m *variableMap) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case m.ev.prog.varObjType:
		return m
	case types.TypeType:
		return m.ev.prog.varObjType
	}
	return types.NewErr("disallowed conversion from %q to %q", variablesTypeName, t.TypeName())
}

// Equal implements ref.Val: a variables map equals only itself.
func (m *variableMap) Equal(other ref.Val) ref.Val {
	o, ok := other.(*variableMap)
	if !ok {
		return types.MaybeNoSuchOverloadErr(other)
	}
	return types.Bool(m == o)
}

// Type implements ref.Val.
func (m *variableMap) Type() ref.Type { return m.ev.prog.varObjType }

// Value implements ref.Val.
func (m *variableMap) Value() any { return types.NoSuchOverloadErr() }

// evalVariable runs one variable's program; its cost is added to the evaluation's pending cost, which the
// expression that used it pays.
func (ev *evaluation) evalVariable(v *variable) ref.Val {
	if ev.fast && v.prog.fast != nil {
		return ev.evalVariableFast(v)
	}
	val, det, err := ev.exec(v.prog.tracked)
	cost := det.ActualCost()
	if cost == nil {
		return types.NewErr("unable to calculate cost of variable %q", v.name)
	}
	ev.pending = addCost(ev.pending, *cost)
	if err != nil {
		return types.NewErr("composited variable %q fails to evaluate: %v", v.name, err)
	}
	return val
}

// evalVariableFast runs a variable's untracked program, or takes its value from the prepared input when another
// evaluation of the input already computed it (see shared.go).
func (ev *evaluation) evalVariableFast(v *variable) ref.Val {
	shared := v.shareKey != "" && ev.in.prepared != nil
	if shared {
		if val, ok := ev.in.prepared.sharedVariable(v.shareKey); ok {
			return val
		}
	}
	val, err := ev.execFast(v.prog.fast)
	if err != nil {
		return types.NewErr("composited variable %q fails to evaluate: %v", v.name, err)
	}
	if shared {
		ev.in.prepared.shareVariable(v.shareKey, val)
	}
	return val
}

// addCost adds a tracked cost to an accumulated one, saturating at MaxInt64.
func addCost(acc int64, cost uint64) int64 {
	if cost > math.MaxInt64 || acc > math.MaxInt64-int64(cost) {
		return math.MaxInt64
	}
	return acc + int64(cost)
}

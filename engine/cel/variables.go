package cel

import (
	"math"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	apiservercel "k8s.io/apiserver/pkg/cel"
	"k8s.io/apiserver/pkg/cel/lazy"
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

// variablesValue builds the lazy `variables` map of one evaluation: each entry is computed on first use with the
// evaluation's activation, at most once, and its cost is charged to the evaluation.
func (ev *evaluation) variablesValue() ref.Val {
	m := lazy.NewMapValue(ev.prog.varType)
	for i := range ev.prog.variables {
		v := &ev.prog.variables[i]
		m.Append(v.name, func(*lazy.MapValue) ref.Val { return ev.evalVariable(v) })
	}
	return m
}

// evalVariable runs one variable's program; its cost is added to the evaluation's pending cost, which the
// expression that used it pays.
func (ev *evaluation) evalVariable(v *variable) ref.Val {
	val, det, err := v.prog.ContextEval(ev.ctx, ev)
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

// addCost adds a tracked cost to an accumulated one, saturating at MaxInt64.
func addCost(acc int64, cost uint64) int64 {
	if cost > math.MaxInt64 || acc > math.MaxInt64-int64(cost) {
		return math.MaxInt64
	}
	return acc + int64(cost)
}

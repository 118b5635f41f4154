package cel

import (
	"math"
	"math/bits"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/ast"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/library"
)

// Cost tracking (counting the cost of every step, as the Kubernetes limits require) more than doubles the time of
// an evaluation. It is skipped when the cost is proven small enough for the input at hand. At compile time the
// Kubernetes cost estimator bounds each program's cost assuming the lists and maps it iterates or searches hold at
// most C entries and every other value it reads (strings above all) has a size of at most max(C, S); for each
// power of two C the rule keeps the largest power of two S for which every program stays under 1/costSafety of the
// per-call limit and all of them together under 1/costSafety of the rule's budget. At run time the largest list or
// map and the longest string of the parts of the inputs the rule reads (readpaths.go) are measured; when they fit
// the untracked programs run, otherwise the tracked ones do.
//
// Input sizes are measured exactly, so a crafted resource cannot exceed the bound. Values an expression builds are
// sized by the estimator from their operands, except values it builds and then nests (a list of concatenated
// lists, say), which are assumed to fit the same bounds; the safety factor covers that in real policies.
// Variables are inlined into the expressions that use them before estimating, so their cost and sizes are counted
// where they are used.
const (
	// costSafety divides the limits when deciding whether an estimate is small enough.
	costSafety = 8
	// Collection sizes tried are 2^minCollExp to 2^maxCollExp entries, string sizes up to 2^maxStrExp.
	minCollExp = 3
	maxCollExp = 16
	maxStrExp  = 22
)

// costModel decides per evaluation whether the untracked programs may run.
type costModel struct {
	// strLimits[i] is the longest string allowed when no list or map holds more than 2^(minCollExp+i) entries;
	// empty when the untracked programs must never run.
	strLimits []int
	// paths are the values the rule reads (see readpaths.go); coarse are the same paths cut short, a bound that
	// prepared inputs compute cheaply (see readPaths.coarse and prepared.allows).
	paths, coarse readPaths
	// slot is where prepared inputs keep the model's decision first (see prepared.allows).
	slot int
}

// allows reports whether the untracked programs may run for in. A prepared Input keeps the decision per model, so a
// rule measures what it reads once per resource.
func (m *costModel) allows(in *Input) bool {
	if len(m.strLimits) == 0 {
		return false
	}
	if in.prepared != nil && m.paths.preparable() {
		return in.prepared.allows(m, in)
	}
	return m.fits(inputSize(in, m.paths))
}

// fits reports whether inputs whose largest list or map holds coll entries and whose longest string has str bytes
// keep the rule's estimated cost within the limits.
func (m *costModel) fits(coll, str int) bool {
	i := bits.Len(uint(max(coll, 1)-1)) - minCollExp
	return i < len(m.strLimits) && str <= m.strLimits[max(i, 0)]
}

// newCostModel estimates the programs (with variables inlined) against the per-call limit and budget. The inputs
// are measured where the programs read them, leaving out the first definitions ASTs: those of variables, whose reads
// the programs that use them include.
func newCostModel(env *cel.Env, asts []*cel.Ast, definitions int, budget uint64) costModel {
	paths := pathsRead(asts[definitions:])
	m := costModel{paths: paths, coarse: paths.coarse()}
	if len(asts) == 0 || callsUnmeasured(asts) {
		return m
	}
	sizers := make([]inputSizer, len(asts))
	for i, a := range asts {
		sizers[i] = inputSizer{collections: collectionNodes(a.NativeRep())}
	}
	within := func(collExp, strExp int) bool {
		return withinLimits(env, asts, sizers, uint64(1)<<collExp, uint64(1)<<strExp, budget)
	}
	strExp := maxStrExp
	if within(maxCollExp, maxStrExp) {
		// Within the limits at the largest sizes tried, so at every smaller one (cost grows with size): one estimate
		// instead of one per collection size, for the many rules whose cost does not depend on the input's size.
		for c := minCollExp; c <= maxCollExp; c++ {
			m.strLimits = append(m.strLimits, 1<<maxStrExp)
		}
		return m
	}
	for c := minCollExp; c <= maxCollExp; c++ {
		if !within(c, strExp) {
			if strExp = largestWithin(c, strExp-1, func(s int) bool { return within(c, s) }); strExp < 0 {
				break
			}
		}
		m.strLimits = append(m.strLimits, 1<<strExp)
	}
	return m
}

// largestWithin returns the largest s in [lo, hi] for which ok holds (ok is monotone: true up to some point), or
// -1 when it holds for none.
func largestWithin(lo, hi int, ok func(int) bool) int {
	if hi < lo || !ok(lo) {
		return -1
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if ok(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// withinLimits reports whether every program's estimated cost, with collections of at most coll entries and other
// values of size at most max(coll, str), stays under the per-call limit and all of them together under the
// budget, both divided by costSafety.
func withinLimits(env *cel.Env, asts []*cel.Ast, sizers []inputSizer, coll, str, budget uint64) bool {
	var total uint64
	for i, a := range asts {
		sizers[i].coll, sizers[i].other = coll, max(coll, str)
		est, err := env.EstimateCost(a, &library.CostEstimator{SizeEstimator: sizers[i]})
		if err != nil || est.Max > celconfig.PerCallLimit/costSafety {
			return false
		}
		total += est.Max
	}
	return total <= budget/costSafety
}

// inputSizer bounds the size of values CEL cannot size: collections (see collectionNodes) by coll, others by
// other; results of functions that build new values stay unknown (unbounded) unless the Kubernetes estimator
// knows them.
type inputSizer struct {
	collections map[int64]bool
	coll, other uint64
}

// EstimateSize implements checker.CostEstimator.
func (s inputSizer) EstimateSize(node checker.AstNode) *checker.SizeEstimate {
	e := node.Expr()
	if e == nil {
		return &checker.SizeEstimate{Min: 0, Max: s.other}
	}
	if e.Kind() == ast.CallKind && !selectsPart(e.AsCall().FunctionName()) {
		return nil
	}
	if s.collections[e.ID()] {
		return &checker.SizeEstimate{Min: 0, Max: s.coll}
	}
	return &checker.SizeEstimate{Min: 0, Max: s.other}
}

// EstimateCallCost implements checker.CostEstimator.
func (s inputSizer) EstimateCallCost(string, string, *checker.AstNode, []checker.AstNode) *checker.CallEstimate {
	return nil
}

// selectsPart reports whether a function returns one of its operands or a part of one (an element, a field, an
// optional's value) rather than building a new value.
func selectsPart(function string) bool {
	switch function {
	case "_[_]", "_[?_]", "_?._", "_?_:_", "dyn", "value", "orValue", "or", "optional.of", "optional.ofNonZeroValue":
		return true
	}
	return false
}

// rootSet is a set of admission variables, one bit each.
type rootSet uint8

const (
	rootObject rootSet = 1 << iota
	rootOldObject
	rootRequest
	rootNamespace
	rootParams
)

// rootOf returns the root of an admission variable name, or 0.
func rootOf(name string) rootSet {
	switch name {
	case varObject:
		return rootObject
	case varOldObject:
		return rootOldObject
	case varRequest:
		return rootRequest
	case varNamespace:
		return rootNamespace
	case varParams:
		return rootParams
	}
	return 0
}

// inlineVariables replaces variables.<name> in a by the variables' definitions, for cost estimation.
func inlineVariables(env *cel.Env, a *cel.Ast, vars []*cel.InlineVariable) (*cel.Ast, bool) {
	if len(vars) == 0 {
		return a, true
	}
	opt, err := cel.NewStaticOptimizer(cel.NewInliningOptimizer(vars...))
	if err != nil {
		return nil, false
	}
	out, issues := opt.Optimize(env, a)
	if issues != nil && issues.Err() != nil {
		return nil, false
	}
	return out, true
}

// sizeOf returns the largest list or map size and the longest string (in bytes, at least its CEL size; map keys
// included) in v; values of other Go types count as unbounded.
func sizeOf(v any) (coll, str int) {
	switch x := v.(type) {
	case nil, bool, int64, int, float64:
		return 0, 0
	case string:
		return 0, len(x)
	case map[string]any:
		coll = len(x)
		for k, e := range x {
			c, s := sizeOf(e)
			coll, str = max(coll, c), max(str, s, len(k))
		}
		return coll, str
	case []any:
		coll = len(x)
		for _, e := range x {
			c, s := sizeOf(e)
			coll, str = max(coll, c), max(str, s)
		}
		return coll, str
	}
	return math.MaxInt, math.MaxInt
}

// rootValue returns the input bound to root r.
func rootValue(in *Input, r rootSet) any {
	switch r {
	case rootObject:
		return in.Object
	case rootOldObject:
		return in.OldObject
	case rootRequest:
		return in.request()
	case rootNamespace:
		return in.namespaceObject()
	}
	return in.Params
}

package lib

import (
	"math"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
)

// Cost factors, in the units of the Kubernetes cost limits (1,000,000 per expression).
const (
	// ByteFactor is the cost of reading or writing one byte (or rune) of a string, as Kubernetes charges a string
	// traversal.
	ByteFactor = 0.1
	// ElementFactor is the cost of visiting one element of a list or map.
	ElementFactor = 1.0
	// ExternalCall is the fixed cost of one call that reads outside data (a resource, an HTTP service, a global
	// context entry, image metadata): a hundred of them exhaust one expression's limit, a thousand a rule's budget.
	ExternalCall = 10000
)

// Cost is the cost model of one overload: Estimate bounds it at compile time (nil leaves the cel-go default: 1 plus
// the arguments' costs, result size unknown), Track charges it at run time (nil leaves the default: 1).
type Cost struct {
	Overload string
	Estimate checker.FunctionEstimator
	Track    interpreter.FunctionTracker
}

// Costs registers the cost models: the first option goes with the library's compile options, the second with its
// program options.
func Costs(costs ...Cost) (cel.EnvOption, cel.ProgramOption) {
	var est []checker.CostOption
	var track []interpreter.CostTrackerOption
	for _, c := range costs {
		if c.Estimate != nil {
			est = append(est, checker.OverloadCostEstimate(c.Overload, c.Estimate))
		}
		if c.Track != nil {
			track = append(track, interpreter.OverloadCostTracker(c.Overload, c.Track))
		}
	}
	return cel.CostEstimatorOptions(est...), cel.CostTrackerOptions(track...)
}

// Linear is the cost of a call that reads the arguments at the given positions once (for a member function, 0 is
// the receiver): 1 plus factor times the sum of their sizes. result bounds the result's size from the arguments'
// sizes at compile time; nil leaves it unknown.
func Linear(factor float64, result func(args []checker.SizeEstimate) *checker.SizeEstimate, argIdx ...int) Cost {
	return Cost{
		Estimate: func(est checker.CostEstimator, target *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
			sizes := estimateSizes(est, target, args)
			var read checker.SizeEstimate
			for _, i := range argIdx {
				if i < len(sizes) {
					read = read.Add(sizes[i])
				}
			}
			call := &checker.CallEstimate{CostEstimate: checker.CostEstimate{
				Min: 1, Max: addSat(1, scale(read.Max, factor)),
			}}
			if result != nil {
				call.ResultSize = result(sizes)
			}
			return call
		},
		Track: func(args []ref.Val, _ ref.Val) *uint64 {
			var read uint64
			for _, i := range argIdx {
				if i < len(args) {
					read = addSat(read, Size(args[i]))
				}
			}
			cost := addSat(1, scale(read, factor))
			return &cost
		},
	}
}

// ResultLinear is Linear with the result also charged: 1 plus factor times the sizes read plus factor times the
// result's size, for calls whose output may be larger than their input (decompression, generation).
func ResultLinear(factor float64, argIdx ...int) Cost {
	c := Linear(factor, nil, argIdx...)
	read := c.Track
	c.Track = func(args []ref.Val, result ref.Val) *uint64 {
		cost := addSat(*read(args, result), scale(Size(result), factor))
		return &cost
	}
	return c
}

// Fixed is a constant cost with the given result size (nil: unknown).
func Fixed(cost uint64, result *checker.SizeEstimate) Cost {
	return Cost{
		Estimate: func(checker.CostEstimator, *checker.AstNode, []checker.AstNode) *checker.CallEstimate {
			return &checker.CallEstimate{CostEstimate: checker.CostEstimate{Min: cost, Max: cost}, ResultSize: result}
		},
		Track: func([]ref.Val, ref.Val) *uint64 { c := cost; return &c },
	}
}

// SizeAtMost returns a result size bound of n.
func SizeAtMost(n uint64) func([]checker.SizeEstimate) *checker.SizeEstimate {
	return func([]checker.SizeEstimate) *checker.SizeEstimate { return &checker.SizeEstimate{Min: 0, Max: n} }
}

// SizeOfArg returns a result size bound of the size of argument i (for results that are a part of it).
func SizeOfArg(i int) func([]checker.SizeEstimate) *checker.SizeEstimate {
	return func(sizes []checker.SizeEstimate) *checker.SizeEstimate {
		if i >= len(sizes) {
			return nil
		}
		s := checker.SizeEstimate{Min: 0, Max: sizes[i].Max}
		return &s
	}
}

// Size is the size of a value as CEL's size() sees it (runes of a string, bytes, entries of a list or map); values
// without a size count 1.
func Size(v ref.Val) uint64 {
	if s, ok := v.(traits.Sizer); ok {
		if n, ok := s.Size().Value().(int64); ok && n >= 0 {
			return uint64(n)
		}
	}
	return 1
}

// estimateSizes returns the size estimates of the receiver (first, when there is one) and the arguments; unknown
// sizes are unbounded.
func estimateSizes(est checker.CostEstimator, target *checker.AstNode, args []checker.AstNode) []checker.SizeEstimate {
	nodes := args
	if target != nil {
		nodes = append([]checker.AstNode{*target}, args...)
	}
	out := make([]checker.SizeEstimate, len(nodes))
	for i, n := range nodes {
		out[i] = checker.SizeEstimate{Min: 0, Max: math.MaxUint64}
		if s := n.ComputedSize(); s != nil {
			out[i] = *s
		} else if s := est.EstimateSize(n); s != nil {
			out[i] = *s
		}
	}
	return out
}

func scale(n uint64, factor float64) uint64 {
	f := math.Ceil(float64(n) * factor)
	if f >= math.MaxUint64 {
		return math.MaxUint64
	}
	return uint64(f)
}

func addSat(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}

package cel

import (
	"math"
	"slices"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// A rule usually reads a few parts of its input, not all of it: selecting a field by name costs the same whatever
// else the object holds, and iterating a list costs what its length and the parts of its elements the loop reads
// cost. The cost model therefore measures only the values a rule's expressions can observe, described by paths:
//
//   - a reference to an admission variable followed by constant field selections observes the value at the end of
//     the chain (`object.spec.containers[0]` observes the containers list, not spec nor object); a chain ending in a
//     presence test (`has(a.b)`) observes nothing;
//   - when that value is only iterated by one-variable comprehensions (`all`, `exists`, `map`, `filter`, ...),
//     possibly through `+`, `?:`, `orValue` or `value`, the path observes the list's length, and what the loops read
//     of its elements through their iteration variable, by the same rules (`containers.all(c,
//     c.?securityContext.?privileged.orValue(false) == false)` observes the number of containers and each
//     container's privileged flag);
//   - any other use observes the whole value, and so does a path that meets, at run time, a value of another kind
//     than it expects (a field of something that is not an object, the elements of something that is not a list).
//
// Large parts no rule reads (a long last-applied-configuration annotation, managedFields, container env) then
// neither cost a walk nor keep a rule from its untracked programs. Variables are analysed where the expressions use
// them, inlined, as they are evaluated only when an expression reads them.

// readPaths are the values a rule reads.
type readPaths []readPath

// preparable reports whether every path lies in a part of the input that Prepare converts (params are not).
func (ps readPaths) preparable() bool {
	for _, p := range ps {
		if p.root == rootParams {
			return false
		}
	}
	return true
}

// readPath is a value a rule reads: an admission variable and the steps from it.
type readPath struct {
	root  rootSet
	steps []step
	// lenOnly marks a value only iterated: when it is a list, only its length is observed.
	lenOnly bool
}

// step is a field name, or each element of a list.
type step struct {
	field string
	each  bool
}

// maxIterDepth bounds how many nested iterations a path follows before it observes the whole value.
const maxIterDepth = 4

// pathsRead returns the values the ASTs read, without those another path of the set measures.
func pathsRead(asts []*cel.Ast) readPaths {
	var out []readPath
	for _, a := range asts {
		for _, id := range ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.IdentKind)) {
			if root := rootOf(id.AsIdent()); root != 0 && !boundLocally(id) {
				out = append(out, observe(id, readPath{root: root}, 0)...)
			}
		}
	}
	var uniq []readPath
	for _, p := range out {
		if !slices.ContainsFunc(uniq, func(q readPath) bool { return samePath(p, q) }) {
			uniq = append(uniq, p)
		}
	}
	return slices.DeleteFunc(uniq, func(p readPath) bool {
		return slices.ContainsFunc(uniq, func(q readPath) bool { return covers(q, p) })
	})
}

// observe returns the paths through which the value of e, at path at, is observed.
func observe(e ast.NavigableExpr, at readPath, depth int) []readPath {
	for {
		parent, ok := e.Parent()
		if !ok {
			break
		}
		field, testOnly, ok := selection(parent, e.ID())
		if !ok {
			break
		}
		if testOnly {
			return nil
		}
		at.steps = append(slices.Clip(at.steps), step{field: field})
		e = parent
	}
	loops, ok := iteratedBy(e)
	if !ok || depth >= maxIterDepth {
		return []readPath{at}
	}
	out := []readPath{{root: at.root, steps: at.steps, lenOnly: true}}
	elem := readPath{root: at.root, steps: append(slices.Clip(at.steps), step{each: true})}
	for _, use := range iterVarUses(loops) {
		out = append(out, observe(use, elem, depth+1)...)
	}
	return out
}

// selection reports whether n selects a constant field from its operand (the expression with ID operand), with
// `.` or `.?`, and whether it only tests the field's presence.
func selection(n ast.NavigableExpr, operand int64) (field string, testOnly, ok bool) {
	switch n.Kind() {
	case ast.SelectKind:
		s := n.AsSelect()
		if s.Operand().ID() != operand {
			return "", false, false
		}
		return s.FieldName(), s.IsTestOnly(), true
	case ast.CallKind:
		c := n.AsCall()
		args := c.Args()
		if c.FunctionName() != operators.OptSelect || len(args) != 2 || args[0].ID() != operand ||
			args[1].Kind() != ast.LiteralKind {
			return "", false, false
		}
		name, isString := args[1].AsLiteral().(types.String)
		return string(name), false, isString
	}
	return "", false, false
}

// iteratedBy returns the one-variable comprehension whose range e's value flows into, through operators that pass
// a list on (`+`, the branches of `?:`, `orValue` and `value` of an optional); false when e's value is used
// otherwise.
func iteratedBy(e ast.NavigableExpr) (ast.NavigableExpr, bool) {
	for {
		parent, ok := e.Parent()
		if !ok {
			return nil, false
		}
		switch parent.Kind() {
		case ast.ComprehensionKind:
			c := parent.AsComprehension()
			return parent, c.IterRange().ID() == e.ID() && !c.HasIterVar2()
		case ast.CallKind:
			if !passesOn(parent.AsCall(), e.ID()) {
				return nil, false
			}
			e = parent
		default:
			return nil, false
		}
	}
}

// passesOn reports whether call c gives the value of its operand arg back, or concatenated.
func passesOn(c ast.CallExpr, arg int64) bool {
	args := c.Args()
	switch c.FunctionName() {
	case operators.Add:
		return true
	case operators.Conditional:
		return len(args) == 3 && args[0].ID() != arg
	case "orValue", "value":
		return c.IsMemberFunction() && c.Target().ID() == arg
	}
	return false
}

// iterVarUses returns the references to the iteration variable of comprehension loop.
func iterVarUses(loop ast.NavigableExpr) []ast.NavigableExpr {
	name := loop.AsComprehension().IterVar()
	var out []ast.NavigableExpr
	for _, id := range ast.MatchDescendants(loop, ast.KindMatcher(ast.IdentKind)) {
		if id.AsIdent() != name {
			continue
		}
		if b, ok := binder(id); ok && b.ID() == loop.ID() {
			out = append(out, id)
		}
	}
	return out
}

// boundLocally reports whether an identifier refers to a comprehension variable rather than an admission variable
// of the same name.
func boundLocally(id ast.NavigableExpr) bool {
	_, ok := binder(id)
	return ok
}

// binder returns the comprehension whose variable the identifier id refers to: the nearest enclosing one that
// declares its name in the scope id is in (the iteration variables in the loop condition and step, the
// accumulator there and in the result).
func binder(id ast.NavigableExpr) (ast.NavigableExpr, bool) {
	name := id.AsIdent()
	child := id
	for p, ok := id.Parent(); ok; p, ok = p.Parent() {
		if p.Kind() == ast.ComprehensionKind && declares(p.AsComprehension(), child.ID(), name) {
			return p, true
		}
		child = p
	}
	return nil, false
}

// declares reports whether comprehension c declares name in the scope of its child expression with ID child.
func declares(c ast.ComprehensionExpr, child int64, name string) bool {
	switch child {
	case c.LoopCondition().ID(), c.LoopStep().ID():
		return name == c.IterVar() || (c.HasIterVar2() && name == c.IterVar2()) || name == c.AccuVar()
	case c.Result().ID():
		return name == c.AccuVar()
	}
	return false
}

// covers reports whether measuring q also measures everything p observes: q observes a value p lies in (as a
// whole, or each of its elements when p only observes the list's length).
func covers(q, p readPath) bool {
	if q.root != p.root || samePath(q, p) {
		return false
	}
	if !q.lenOnly && len(q.steps) <= len(p.steps) && slices.Equal(q.steps, p.steps[:len(q.steps)]) {
		return true
	}
	return p.lenOnly && len(q.steps) > len(p.steps) && q.steps[len(p.steps)].each &&
		slices.Equal(q.steps[:len(p.steps)], p.steps)
}

func samePath(q, p readPath) bool {
	return q.root == p.root && q.lenOnly == p.lenOnly && slices.Equal(q.steps, p.steps)
}

// allows is costModel.allows for a prepared input, decided once per model and kept in the model's slot, or in
// the memo when another model took the slot. It first measures the coarse paths, whose values keep their sizes
// for every rule that reads them (most rules of a resource read the same few parts of each container), and follows
// the paths to their ends only when that bound is too large.
func (pr *prepared) allows(m *costModel, in *Input) bool {
	slot := &pr.models[m.slot%len(pr.models)]
	if e := slot.Load(); e != nil && e.model == m {
		return e.allowed
	}
	if allowed, ok := pr.decisions.load(m); ok {
		return allowed
	}
	allowed := m.fits(inputSize(in, m.coarse)) // the coarse sizes bound the others
	if !allowed && !slices.EqualFunc(m.coarse, m.paths, samePath) {
		allowed = m.fits(inputSize(in, m.paths))
	}
	if !slot.CompareAndSwap(nil, &modelDecision{model: m, allowed: allowed}) {
		pr.decisions.store(m, allowed)
	}
	return allowed
}

// modelDecision is whether a cost model allows the untracked programs for a prepared input.
type modelDecision struct {
	model   *costModel
	allowed bool
}

// modelSlot returns the prepared-input slot of the next cost model.
func (c *Compiler) modelSlot() int { return int(c.models.Add(1) - 1) }

// coarse returns the paths cut after the first field they select in list elements (`containers/*/securityContext`
// for `containers/*/securityContext/privileged`), without those another path measures. Each cut path measures a
// value that holds what the whole path observes, so its sizes bound the path's.
func (ps readPaths) coarse() readPaths {
	var out readPaths
	for _, p := range ps {
		cut := p
		if i := slices.IndexFunc(p.steps, func(s step) bool { return s.each }); i >= 0 {
			if j := slices.IndexFunc(p.steps[i:], func(s step) bool { return !s.each }); j >= 0 {
				cut = readPath{root: p.root, steps: p.steps[:i+j+1]}
			}
		}
		if !slices.ContainsFunc(out, func(q readPath) bool { return samePath(q, cut) }) {
			out = append(out, cut)
		}
	}
	return slices.DeleteFunc(out, func(p readPath) bool {
		return slices.ContainsFunc(out, func(q readPath) bool { return covers(q, p) })
	})
}

// inputSize returns the largest list or map size and the longest string of the values at paths in in; for a
// prepared Input, each object and array is measured once for all the rules that read it.
func inputSize(in *Input, paths []readPath) (coll, str int) {
	for i := range paths {
		p := &paths[i]
		var c, s int
		if in.prepared != nil && p.root != rootParams {
			c, s = measureVal(in.prepared.value(p.root, in), p.steps, p.lenOnly)
		} else {
			c, s = measureRaw(rootValue(in, p.root), p.steps, p.lenOnly)
		}
		coll, str = max(coll, c), max(str, s)
	}
	return coll, str
}

// measureRaw returns the sizes of what steps observe of the decoded value v (see readPath).
func measureRaw(v any, steps []step, lenOnly bool) (coll, str int) {
	for i, s := range steps {
		if s.each {
			l, ok := v.([]any)
			if !ok {
				return sizeOf(v)
			}
			coll = len(l)
			for _, e := range l {
				c, s := measureRaw(e, steps[i+1:], lenOnly)
				coll, str = max(coll, c), max(str, s)
			}
			return coll, str
		}
		m, ok := v.(map[string]any)
		if !ok {
			return sizeOf(v)
		}
		if v, ok = m[s.field]; !ok {
			return 0, 0
		}
	}
	if l, ok := v.([]any); ok && lenOnly {
		return len(l), 0
	}
	return sizeOf(v)
}

// measureVal is measureRaw on converted values, whose objects and arrays keep their sizes once measured.
func measureVal(v ref.Val, steps []step, lenOnly bool) (coll, str int) {
	for i, s := range steps {
		if s.each {
			l, ok := v.(*lazyList)
			if !ok {
				return valSize(v)
			}
			elems := l.converted().elems
			coll = len(elems)
			for _, e := range elems {
				c, s := measureVal(e, steps[i+1:], lenOnly)
				coll, str = max(coll, c), max(str, s)
			}
			return coll, str
		}
		m, ok := v.(*lazyMap)
		if !ok {
			return valSize(v)
		}
		if v, ok = m.field(s.field); !ok {
			return 0, 0
		}
	}
	if l, ok := v.(*lazyList); ok && lenOnly {
		return len(l.raw), 0
	}
	return valSize(v)
}

// valSize returns the sizes of a converted value, as sizeOf does for the decoded one.
func valSize(v ref.Val) (coll, str int) {
	switch x := v.(type) {
	case *lazyMap:
		return x.size()
	case *lazyList:
		return x.size()
	case types.String:
		return 0, len(x)
	case types.Bool, types.Int, types.Double, types.Null:
		return 0, 0
	}
	return math.MaxInt, math.MaxInt // converted from a Go type sizeOf does not know
}

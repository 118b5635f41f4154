package generator

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Name is the variable the library declares.
const Name = "generator"

// Type is the CEL type of the `generator` variable.
var Type = cel.OpaqueType("generator.Context")

// ErrUnbound is the error of a call outside a generate expression.
var ErrUnbound = errors.New("generator.Apply is only available in the generate expressions of a GeneratingPolicy")

// Intent is one object a generate expression asks for.
type Intent struct {
	Object map[string]any
}

// Recorder collects the intents of one evaluation. It is not safe for concurrent use; an evaluation owns it.
type Recorder struct {
	// Namespace is the namespace of a namespaced policy, "" for a cluster-wide one.
	Namespace string
	// Max bounds the number of objects one evaluation may record (0: no bound).
	Max     int
	intents []Intent
}

// Intents returns what was recorded, in call order.
func (r *Recorder) Intents() []Intent { return r.intents }

// Record adds objects generated into namespace; explicit is false for the one-argument Apply, which keeps each
// object's namespace (or, for a namespaced policy, uses the policy's).
func (r *Recorder) Record(namespace string, explicit bool, objs []map[string]any) error {
	if !explicit && r.Namespace != "" {
		namespace, explicit = r.Namespace, true
	}
	if explicit && r.Namespace != "" && namespace != r.Namespace {
		return fmt.Errorf("namespace %q is outside the policy's namespace %q", namespace, r.Namespace)
	}
	for _, o := range expand(objs) {
		if r.Max > 0 && len(r.intents) >= r.Max {
			return fmt.Errorf("more than %d objects generated", r.Max)
		}
		if explicit {
			setNamespace(o, namespace)
		}
		r.intents = append(r.intents, Intent{Object: o})
	}
	return nil
}

// expand replaces every list object (kind ending in List, with items) by its items.
func expand(objs []map[string]any) []map[string]any {
	out := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		items, isList := o["items"].([]any)
		kind, _ := o["kind"].(string)
		if !isList || !strings.HasSuffix(kind, "List") {
			out = append(out, o)
			continue
		}
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func setNamespace(o map[string]any, ns string) {
	meta, ok := o["metadata"].(map[string]any)
	if !ok {
		meta = map[string]any{}
		o["metadata"] = meta
	}
	if ns == "" {
		delete(meta, "namespace")
		return
	}
	meta["namespace"] = ns
}

// value is the `generator` variable of one evaluation.
type value struct {
	lib.Receiver
	rec *Recorder
}

// Value is the `generator` variable for one evaluation: rec records the calls (nil makes every call fail with
// ErrUnbound).
func Value(rec *Recorder) ref.Val { return value{Receiver: lib.Receiver{T: Type}, rec: rec} }

// Value implements ref.Val.
func (v value) Value() any { return v }

// Lib returns the library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.generator" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	objects := cel.ListType(cel.MapType(cel.StringType, cel.DynType))
	return []cel.EnvOption{
		cel.Variable(Name, Type),
		cel.Function("Apply",
			cel.MemberOverload("generator_apply_string_list", []*cel.Type{Type, cel.StringType, objects}, cel.NullType,
				cel.FunctionBinding(func(args ...ref.Val) ref.Val { return apply(args[0], args[1], args[2]) })),
			cel.MemberOverload("generator_apply_list", []*cel.Type{Type, objects}, cel.NullType,
				cel.BinaryBinding(func(self, list ref.Val) ref.Val { return apply(self, nil, list) }))),
	}
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption { return nil }

// apply records the objects of list in the namespace ns (nil: the one-argument form).
func apply(self, ns, list ref.Val) ref.Val {
	v, ok := self.(value)
	if !ok {
		return types.MaybeNoSuchOverloadErr(self)
	}
	if v.rec == nil {
		return types.WrapErr(ErrUnbound)
	}
	namespace := ""
	if ns != nil {
		s, errVal := lib.String(Name+".Apply", 1, ns)
		if errVal != nil {
			return errVal
		}
		namespace = s
	}
	objs, err := objects(list)
	if err != nil {
		return types.NewErr("failed to generate resources: %v", err)
	}
	if err := v.rec.Record(namespace, ns != nil, objs); err != nil {
		return types.NewErr("failed to generate resources: %v", err)
	}
	return types.NullValue
}

// objects converts the list argument to objects.
func objects(list ref.Val) ([]map[string]any, error) {
	l, ok := list.(traits.Lister)
	if !ok {
		return nil, fmt.Errorf("expected a list of objects")
	}
	var out []map[string]any
	for it := l.Iterator(); it.HasNext() == types.True; {
		native, err := lib.ToJSON(it.Next())
		if err != nil {
			return nil, err
		}
		m, ok := native.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("element %d: expected an object, got %T", len(out), native)
		}
		out = append(out, m)
	}
	return out, nil
}

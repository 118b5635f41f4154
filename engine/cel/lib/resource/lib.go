package resource

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// role is what an argument of an overload gives.
type role int

const (
	apiVersion role = iota
	resourceName
	namespace
	name
	subresources
	labels
	data
)

// op is a call kind: its CEL function name and Kyverno's error prefix.
type op struct{ function, failure string }

var (
	opGet  = op{"Get", "failed to get resource"}
	opList = op{"List", "failed to list resource"}
	opPost = op{"Post", "failed to create resource"}
)

// overload is one declared overload: its ID, the call, and what its arguments (after the receiver) give.
type overload struct {
	id    string
	op    op
	roles []role
}

func clusterOverloads() []overload {
	return []overload{
		{"resource_list_string_string_string", opList, []role{apiVersion, resourceName, namespace}},
		{"resource_list_string_string_string_map", opList, []role{apiVersion, resourceName, namespace, labels}},
		{"resource_get_string_string_string_string", opGet, []role{apiVersion, resourceName, namespace, name}},
		{"resource_get_string_string_string_string_stringlist", opGet,
			[]role{apiVersion, resourceName, namespace, name, subresources}},
		{"resource_post_string_string_string_map", opPost, []role{apiVersion, resourceName, namespace, data}},
		{"resource_post_string_string_map", opPost, []role{apiVersion, resourceName, data}},
	}
}

func namespacedOverloads() []overload {
	return []overload{
		{"resource_list_string_string", opList, []role{apiVersion, resourceName}},
		{"resource_list_string_string_map", opList, []role{apiVersion, resourceName, labels}},
		{"resource_get_string_string_string", opGet, []role{apiVersion, resourceName, name}},
		{"resource_get_string_string_string_stringlist", opGet, []role{apiVersion, resourceName, name, subresources}},
		{"resource_post_string_string_map", opPost, []role{apiVersion, resourceName, data}},
	}
}

// Lib returns the resource library with the cluster-wide signatures, or, when namespaced, those of a namespaced
// policy (no namespace argument).
func Lib(namespaced bool) cel.EnvOption {
	ovs := clusterOverloads()
	if namespaced {
		ovs = namespacedOverloads()
	}
	return cel.Lib(library{overloads: ovs})
}

type library struct{ overloads []overload }

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.resource" }

// CompileOptions implements cel.Library.
func (l library) CompileOptions() []cel.EnvOption {
	est, _ := l.costs()
	opts := []cel.EnvOption{est, cel.Variable(Name, Type)}
	byFunction := map[string][]cel.FunctionOpt{}
	var order []string
	for _, o := range l.overloads {
		args := []*cel.Type{Type}
		for _, r := range o.roles {
			args = append(args, r.celType())
		}
		if _, seen := byFunction[o.op.function]; !seen {
			order = append(order, o.op.function)
		}
		byFunction[o.op.function] = append(byFunction[o.op.function], cel.MemberOverload(o.id, args,
			cel.MapType(cel.StringType, cel.DynType), cel.FunctionBinding(o.call)))
	}
	for _, fn := range order {
		opts = append(opts, cel.Function(fn, byFunction[fn]...))
	}
	return opts
}

// ProgramOptions implements cel.Library.
func (l library) ProgramOptions() []cel.ProgramOption {
	_, track := l.costs()
	return []cel.ProgramOption{track}
}

func (l library) costs() (cel.EnvOption, cel.ProgramOption) {
	var cs []lib.Cost
	for _, o := range l.overloads {
		c := lib.Fixed(lib.ExternalCall, nil)
		c.Overload = o.id
		cs = append(cs, c)
	}
	return lib.Costs(cs...)
}

func (r role) celType() *cel.Type {
	switch r {
	case subresources:
		return cel.ListType(cel.StringType)
	case labels:
		return cel.MapType(cel.StringType, cel.StringType)
	case data:
		return cel.MapType(cel.StringType, cel.DynType)
	}
	return cel.StringType
}

// call evaluates the overload: args[0] is the `resource` variable.
func (o overload) call(args ...ref.Val) ref.Val {
	if len(args) != len(o.roles)+1 {
		return types.NewErr("%s: expected %d arguments, got %d", o.op.failure, len(o.roles)+1, len(args))
	}
	v, ok := args[0].(value)
	if !ok {
		return types.MaybeNoSuchOverloadErr(args[0])
	}
	q := Query{Namespace: v.namespace}
	var body map[string]any
	for i, r := range o.roles {
		if errVal := r.fill(&q, &body, i+1, args[i+1]); errVal != nil {
			return errVal
		}
	}
	out, err := v.do(o.op, q, body)
	if err != nil {
		return types.NewErr("%s: %v", o.op.failure, err)
	}
	return types.DefaultTypeAdapter.NativeToValue(out)
}

// fill sets the part of the query (or the body) argument arg gives.
func (r role) fill(q *Query, body *map[string]any, pos int, arg ref.Val) ref.Val {
	var errVal ref.Val
	switch r {
	case apiVersion:
		q.APIVersion, errVal = lib.String(Name, pos, arg)
	case resourceName:
		q.Resource, errVal = lib.String(Name, pos, arg)
	case namespace:
		q.Namespace, errVal = lib.String(Name, pos, arg)
	case name:
		q.Name, errVal = lib.String(Name, pos, arg)
	case subresources:
		q.Subresources, errVal = lib.StringList(Name, pos, arg)
	case labels:
		q.Labels, errVal = lib.StringMap(Name, pos, arg)
	case data:
		native, err := lib.ToJSON(arg)
		m, ok := native.(map[string]any)
		if err != nil || !ok {
			return types.NewErr("failed to create resource: argument %d: expected an object: %v", pos, err)
		}
		*body = m
	}
	return errVal
}

func (v value) do(o op, q Query, body map[string]any) (map[string]any, error) {
	if err := v.validate(q, o == opGet); err != nil {
		return nil, err
	}
	var out map[string]any
	var err error
	switch o {
	case opGet:
		out, err = v.client.GetResource(v.ctx, q)
	case opList:
		out, err = v.client.ListResources(v.ctx, q)
	default:
		out, err = v.client.PostResource(v.ctx, q, body)
	}
	if err == nil && out == nil {
		err = fmt.Errorf("%s %s: no object returned", q.APIVersion, q.Resource)
	}
	return out, err
}

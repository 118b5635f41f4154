package transform

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

const function = "listObjToMap"

func overloads() []struct{ function, id string } {
	return []struct{ function, id string }{
		{function, "list_of_object_to_map_non_prefixed"},
		{"transform." + function, "list_of_object_to_map_prefixed"},
	}
}

// Lib returns the transform library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.transform" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	opts := []cel.EnvOption{est}
	list := cel.ListType(cel.DynType)
	for _, o := range overloads() {
		opts = append(opts, cel.Function(o.function, cel.Overload(o.id,
			[]*cel.Type{list, list, cel.StringType, cel.StringType}, cel.MapType(cel.StringType, cel.DynType),
			cel.FunctionBinding(listObjToMap))))
	}
	return opts
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	var cs []lib.Cost
	for _, o := range overloads() {
		c := lib.Linear(lib.ElementFactor, lib.SizeOfArg(0), 0, 1)
		c.Overload = o.id
		cs = append(cs, c)
	}
	return lib.Costs(cs...)
}

func listObjToMap(args ...ref.Val) ref.Val {
	if len(args) != 4 {
		return types.NewErr("%s: expected 4 arguments, got %d", function, len(args))
	}
	keys, ok := args[0].(traits.Lister)
	values, ok2 := args[1].(traits.Lister)
	if !ok || !ok2 {
		return types.NewErr("%s: the first two arguments must be lists", function)
	}
	keyField, errVal := lib.String(function, 2, args[2])
	if errVal != nil {
		return errVal
	}
	valueField, errVal := lib.String(function, 3, args[3])
	if errVal != nil {
		return errVal
	}
	n, m := keys.Size().(types.Int), values.Size().(types.Int)
	if n != m {
		return types.NewErr("%s must take lists of equal length. list1: %d, list2: %d", function, n, m)
	}
	out := make(map[ref.Val]ref.Val, int(n))
	for i := types.Int(0); i < n; i++ {
		k, v, errVal := entry(keys.Get(i), values.Get(i), keyField, valueField)
		if errVal != nil {
			return errVal
		}
		out[k] = v
	}
	return types.NewRefValMap(types.DefaultTypeAdapter, out)
}

// entry returns the key of one pair of elements and its value.
func entry(keyObj, valueObj ref.Val, keyField, valueField string) (ref.Val, ref.Val, ref.Val) {
	km, ok := keyObj.(traits.Mapper)
	if !ok {
		return nil, nil, types.NewErr("%s: the key object list holds a %s, not an object", function, keyObj.Type().TypeName())
	}
	key, found := km.Find(types.String(keyField))
	if _, isString := key.(types.String); !found || !isString {
		return nil, nil, types.NewErr("the passed key name cannot be handled as a string in the key object list")
	}
	vm, ok := valueObj.(traits.Mapper)
	if !ok {
		return nil, nil, types.NewErr("object cannot be handled as a map string to any in the value object list")
	}
	val, found := vm.Find(types.String(valueField))
	if !found {
		val = types.NullValue
	}
	return key, val, nil
}

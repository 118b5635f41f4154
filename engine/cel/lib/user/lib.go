package user

import (
	"reflect"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// prefix starts the user names of service accounts.
const prefix = "system:serviceaccount:"

// ServiceAccount is the result of parseServiceAccount. Its CEL type is user.ServiceAccount, with fields named as
// the Go fields, as in Kyverno.
type ServiceAccount struct {
	Name      string
	Namespace string
}

// ServiceAccountType is the CEL type of ServiceAccount.
var ServiceAccountType = cel.ObjectType("user.ServiceAccount")

// Parse splits a service account user name; other names give an empty ServiceAccount.
func Parse(user string) ServiceAccount {
	rest, ok := strings.CutPrefix(user, prefix)
	if !ok {
		return ServiceAccount{}
	}
	ns, name, ok := strings.Cut(rest, ":")
	if !ok {
		return ServiceAccount{}
	}
	return ServiceAccount{Namespace: ns, Name: name}
}

// Lib returns the user library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.user" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	return []cel.EnvOption{ext.NativeTypes(reflect.TypeFor[ServiceAccount]()), extend}
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func overloads() []struct{ function, id string } {
	return []struct{ function, id string }{
		{"parseServiceAccount", "parse_service_account_string_non_prefixed"},
		{"user.parseServiceAccount", "parse_service_account_string_prefixed"},
	}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	var cs []lib.Cost
	for _, o := range overloads() {
		c := lib.Linear(lib.ByteFactor, lib.SizeOfArg(0), 0)
		c.Overload = o.id
		cs = append(cs, c)
	}
	return lib.Costs(cs...)
}

// extend declares the functions once the native type is registered, binding them to the environment's adapter.
func extend(env *cel.Env) (*cel.Env, error) {
	adapter := env.CELTypeAdapter()
	parse := func(arg ref.Val) ref.Val {
		s, errVal := lib.String("parseServiceAccount", 0, arg)
		if errVal != nil {
			return errVal
		}
		return adapter.NativeToValue(Parse(s))
	}
	est, _ := costs()
	opts := []cel.EnvOption{est}
	for _, o := range overloads() {
		opts = append(opts, cel.Function(o.function, cel.Overload(o.id, []*cel.Type{cel.StringType},
			ServiceAccountType, cel.UnaryBinding(parse))))
	}
	env, err := env.Extend(opts...)
	if err != nil {
		return nil, err
	}
	return env, nil
}

package http

import (
	"crypto/x509"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Overload IDs, as Kyverno names them.
const (
	overloadGet            = "http_get_string"
	overloadGetHeaders     = "http_get_string_headers"
	overloadPost           = "http_post_string_any"
	overloadPostHeaders    = "http_post_string_any_headers"
	overloadClient         = "http_client_string"
	functionGet            = "Get"
	functionPost           = "Post"
	functionClient         = "Client"
	failure                = "request failed"
	invalidCABundleMessage = "failed to parse PEM CA bundle"
)

// Lib returns the http library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.http" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	headers := cel.MapType(cel.StringType, cel.StringType)
	return []cel.EnvOption{est, cel.Variable(Name, Type),
		cel.Function(functionGet,
			cel.MemberOverload(overloadGet, []*cel.Type{Type, cel.StringType}, cel.DynType, cel.FunctionBinding(call(false))),
			cel.MemberOverload(overloadGetHeaders, []*cel.Type{Type, cel.StringType, headers}, cel.DynType,
				cel.FunctionBinding(call(false)))),
		cel.Function(functionPost,
			cel.MemberOverload(overloadPost, []*cel.Type{Type, cel.StringType, cel.DynType}, cel.DynType,
				cel.FunctionBinding(call(true))),
			cel.MemberOverload(overloadPostHeaders, []*cel.Type{Type, cel.StringType, cel.DynType, headers}, cel.DynType,
				cel.FunctionBinding(call(true)))),
		cel.Function(functionClient, cel.MemberOverload(overloadClient, []*cel.Type{Type, cel.StringType}, Type,
			cel.BinaryBinding(withCABundle))),
	}
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	var cs []lib.Cost
	for _, id := range []string{overloadGet, overloadGetHeaders, overloadPost, overloadPostHeaders} {
		c := lib.Fixed(lib.ExternalCall, nil)
		c.Overload = id
		cs = append(cs, c)
	}
	c := lib.Linear(lib.ByteFactor, nil, 1)
	c.Overload = overloadClient
	return lib.Costs(append(cs, c)...)
}

// call evaluates Get or Post: args are the `http` value, the URL, the body (Post) and the headers (optional).
func call(post bool) func(...ref.Val) ref.Val {
	return func(args ...ref.Val) ref.Val {
		v, ok := args[0].(value)
		if !ok || len(args) < 2 {
			return types.MaybeNoSuchOverloadErr(args[0])
		}
		var r Request
		var errVal ref.Val
		if r.URL, errVal = lib.String(Name, 1, args[1]); errVal != nil {
			return errVal
		}
		rest := args[2:]
		if post {
			body, err := lib.ToJSON(rest[0])
			if err != nil {
				return types.NewErr("%s: body: %v", failure, err)
			}
			r.Body, rest = body, rest[1:]
		}
		if len(rest) > 0 {
			if r.Headers, errVal = lib.StringMap(Name, len(args)-1, rest[0]); errVal != nil {
				return errVal
			}
		}
		out, err := v.do(post, r)
		if err != nil {
			return types.NewErr("%s: %v", failure, err)
		}
		return types.DefaultTypeAdapter.NativeToValue(out)
	}
}

// withCABundle returns an `http` value whose calls trust caBundle; an empty bundle keeps the system roots.
func withCABundle(recv, bundle ref.Val) ref.Val {
	v, ok := recv.(value)
	if !ok {
		return types.MaybeNoSuchOverloadErr(recv)
	}
	pem, errVal := lib.String(Name, 1, bundle)
	if errVal != nil {
		return errVal
	}
	if pem != "" && !x509.NewCertPool().AppendCertsFromPEM([]byte(pem)) {
		return types.NewErr("%s: %s", failure, invalidCABundleMessage)
	}
	v.caBundle = pem
	return v
}

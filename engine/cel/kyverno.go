package cel

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/ext"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/generator"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/globalcontext"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/gzip"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/hash"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/http"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/image"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/imagedata"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/json"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/math"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/random"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/resource"
	celtime "github.com/bylaw-dev/bylaw/engine/cel/lib/time"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/transform"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/user"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/x509"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/yaml"
)

// Context is the outside data Kyverno's context-bound libraries read (resource, http, globalContext, image
// metadata), bound per evaluation through Input.Context. The engine declares it and never implements I/O:
// engine.NewCELContext adapts an engine.Loader.
type Context interface {
	resource.Client
	http.Client
	globalcontext.Client
	imagedata.Client
}

// CompilerOption configures NewCompiler.
type CompilerOption func(*compilerConfig)

type compilerConfig struct {
	kyverno bool
	hosts   http.Hosts
}

// WithKyvernoLibraries adds the environment of Kyverno's CEL policies (ValidatingPolicy and the other
// policies.kyverno.io kinds): cel-go's bindings, encoders (base64), math and protos extensions, and Kyverno's
// libraries (docs/cel-libraries.md). ClusterPolicy `validate.cel` rules compile without it, as in Kyverno.
func WithKyvernoLibraries() CompilerOption { return func(c *compilerConfig) { c.kyverno = true } }

// WithHTTPHosts lists the hosts the http library may call (see http.Hosts); without it every http call fails.
func WithHTTPHosts(hosts ...string) CompilerOption {
	return func(c *compilerConfig) { c.hosts = append(c.hosts, hosts...) }
}

// WithNamespace compiles a rule of a namespaced policy (NamespacedValidatingPolicy) of namespace ns: the resource
// library takes no namespace argument and acts in ns, and expressions may not use http. Only with
// WithKyvernoLibraries.
func WithNamespace(ns string) CompileOption { return func(o *compileOptions) { o.namespace = ns } }

// libBinding is what an evaluation binds the library variables with.
type libBinding struct {
	namespace string
	hosts     http.Hosts
}

// libraryNames are the variables the context-bound libraries declare; their values depend on the evaluation
// (client, policy namespace), so variables reading them are never shared between rules.
var libraryNames = map[string]bool{resource.Name: true, http.Name: true, globalcontext.Name: true, imagedata.Name: true,
	generator.Name: true}

// unmeasuredFunctions return data whose size the cost model cannot bound from the input (outside data, or
// containers decoded from a string): a rule calling one always tracks its cost.
var unmeasuredFunctions = map[string]bool{
	"Get": true, "List": true, "Post": true, "get": true, "GetMetadata": true, "getMetadata": true,
	"unmarshal": true, "parse": true, "x509.decode": true, "gzip.decompress": true,
	"listObjToMap": true, "transform.listObjToMap": true,
}

// kyvernoOptions are the environment options of Kyverno's CEL policies; namespaced selects the resource
// signatures of namespaced policies.
func kyvernoOptions(namespaced bool) []cel.EnvOption {
	return []cel.EnvOption{
		ext.Bindings(), ext.Encoders(), ext.Math(), ext.Protos(),
		resource.Lib(namespaced), http.Lib(), globalcontext.Lib(), imagedata.Lib(), image.Lib(), user.Lib(),
		hash.Lib(), math.Lib(), x509.Lib(), random.Lib(), celtime.Lib(nil), transform.Lib(), json.Lib(), yaml.Lib(),
		gzip.Lib(), generator.Lib(),
	}
}

// kyvernoEnvs extends the base environments with Kyverno's libraries.
func kyvernoEnvs(tracked, fast *cel.Env, namespaced bool) (envPair, envPair, error) {
	t, err := tracked.Extend(kyvernoOptions(namespaced)...)
	if err != nil {
		return envPair{}, envPair{}, fmt.Errorf("build Kyverno CEL environment: %w", err)
	}
	f, err := fast.Extend(kyvernoOptions(namespaced)...)
	if err != nil {
		return envPair{}, envPair{}, fmt.Errorf("build Kyverno CEL environment: %w", err)
	}
	tp, err := admissionEnvs(t)
	if err != nil {
		return envPair{}, envPair{}, err
	}
	fp, err := admissionEnvs(f)
	return tp, fp, err
}

// resolveLibrary resolves the variables of the context-bound libraries for one evaluation.
func (ev *evaluation) resolveLibrary(name string) (any, bool) {
	b := ev.libs
	if b == nil || !libraryNames[name] {
		return nil, false
	}
	c := ev.in.Context
	switch name {
	case resource.Name:
		return resource.Value(ev.ctx, clientOrNil[resource.Client](c), b.namespace), true
	case http.Name:
		return http.Value(ev.ctx, clientOrNil[http.Client](c), b.hosts), true
	case globalcontext.Name:
		return globalcontext.Value(ev.ctx, clientOrNil[globalcontext.Client](c)), true
	case generator.Name:
		return generator.Value(ev.generated), true
	}
	return imagedata.Value(ev.ctx, clientOrNil[imagedata.Client](c)), true
}

// clientOrNil returns c as a T, nil (an untyped nil interface) when no Context is bound.
func clientOrNil[T any](c Context) T {
	var zero T
	if c == nil {
		return zero
	}
	return any(c).(T)
}

// checkNamespaced refuses expressions of a namespaced policy that use http.
func checkNamespaced(a *cel.Ast) error {
	refs := a.NativeRep().ReferenceMap()
	for _, id := range ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.IdentKind)) {
		if r, ok := refs[id.ID()]; ok && r.Name == http.Name && id.AsIdent() == http.Name {
			return fmt.Errorf("%w: %w", ErrCompile, http.ErrNamespaced)
		}
	}
	return nil
}

// callsUnmeasured reports whether an AST calls a function whose result the cost model cannot size.
func callsUnmeasured(asts []*cel.Ast) bool {
	for _, a := range asts {
		for _, c := range ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.CallKind)) {
			if unmeasuredFunctions[c.AsCall().FunctionName()] {
				return true
			}
		}
	}
	return false
}

package engine

import (
	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/celmutate"
	"github.com/bylaw-dev/bylaw/engine/jmespath"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// Engine compiles and evaluates policies. It is safe for concurrent use and holds no per-request state.
type Engine struct {
	jp   *jmespath.Interpreter
	vars *variables.Compiler
	// cel is the environment of ClusterPolicy validate.cel rules; policyCEL that of the policies.kyverno.io kinds,
	// with Kyverno's CEL libraries.
	cel, policyCEL *celCompiler
	// converters are the type converters of MutatingPolicy ApplyConfiguration merges, built on first use.
	converters *celmutate.Converters
	// kinds maps built-in resources to kinds (MutatingPolicy mutateExisting lists its targets by kind).
	kinds *builtinKinds
}

// Option configures an Engine.
type Option func(*options)

type options struct {
	jmespath  []jmespath.Option
	httpHosts []string
}

// WithHTTPHosts allows the CEL `http` library of cluster-wide CEL policies to call these hosts ("host",
// "host:port" or "*.domain"); without it every http call is an error. Namespaced policies never get http.
func WithHTTPHosts(hosts ...string) Option {
	return func(o *options) { o.httpHosts = append(o.httpHosts, hosts...) }
}

// WithJMESPathOptions passes options (clock, random source) to the JMESPath interpreter.
func WithJMESPathOptions(opts ...jmespath.Option) Option {
	return func(o *options) { o.jmespath = append(o.jmespath, opts...) }
}

// New returns an Engine.
func New(opts ...Option) *Engine {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	// The engine is pure: is_external_url resolves no host names unless the caller hands in a resolver.
	jp := jmespath.New(append([]jmespath.Option{jmespath.WithResolver(nil)}, o.jmespath...)...)
	return &Engine{jp: jp, vars: variables.NewCompiler(jp), cel: &celCompiler{}, converters: celmutate.NewConverters(), kinds: &builtinKinds{},
		policyCEL: &celCompiler{opts: []cel.CompilerOption{cel.WithKyvernoLibraries(), cel.WithHTTPHosts(o.httpHosts...)}}}
}

// JMESPath returns the engine's JMESPath interpreter, for callers that validate expressions.
func (e *Engine) JMESPath() *jmespath.Interpreter { return e.jp }

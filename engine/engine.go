package engine

import (
	"github.com/bylaw-dev/bylaw/engine/jmespath"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// Engine compiles and evaluates policies. It is safe for concurrent use and holds no per-request state.
type Engine struct {
	jp   *jmespath.Interpreter
	vars *variables.Compiler
	cel  *celCompiler
}

// Option configures an Engine.
type Option func(*options)

type options struct {
	jmespath []jmespath.Option
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
	return &Engine{jp: jp, vars: variables.NewCompiler(jp), cel: &celCompiler{}}
}

// JMESPath returns the engine's JMESPath interpreter, for callers that validate expressions.
func (e *Engine) JMESPath() *jmespath.Interpreter { return e.jp }

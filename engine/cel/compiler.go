package cel

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/google/cel-go/cel"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	apiservercel "k8s.io/apiserver/pkg/cel"
	"k8s.io/apiserver/pkg/cel/environment"
)

// Names of the variables an expression may reference.
const (
	varObject    = plugincel.ObjectVarName
	varOldObject = plugincel.OldObjectVarName
	varRequest   = plugincel.RequestVarName
	varNamespace = plugincel.NamespaceVarName
	varParams    = plugincel.ParamsVarName
	varVariables = plugincel.VariableVarName
)

// variablesTypeName is the CEL type of `variables`, an object whose fields are the rule's variables.
const variablesTypeName = "kubernetes.variables"

// ErrCompile marks compilation failures (syntax, types, return type); the wrapping error names the field.
var ErrCompile = errors.New("compilation failed")

// Compiler compiles CEL rules against the Kubernetes admission environment. It is built once by NewCompiler and
// is safe for concurrent use.
type Compiler struct {
	// tracked is the Kubernetes environment (cost tracking, per-call limit): it checks every expression and
	// plans the programs used when cost must be tracked. fast plans untracked programs from the same ASTs.
	tracked, fast envPair
	// nsTracked and nsFast are the environments of namespaced policies' rules; set with WithKyvernoLibraries.
	nsTracked, nsFast envPair
	// libs binds the library variables; nil without WithKyvernoLibraries.
	libs *libBinding
	// models numbers the cost models compiled, to spread them over the slots of prepared inputs.
	models atomic.Uint32
}

// envPair holds an environment without and with `params` declared. Neither declares `variables`, which are typed
// per rule.
type envPair struct {
	withoutParams, withParams *cel.Env
}

func (p envPair) pick(params bool) *cel.Env {
	if params {
		return p.withParams
	}
	return p.withoutParams
}

// NewCompiler builds the CEL environments: the Kubernetes base environment (all libraries of the
// stored-expressions environment, strict cost tracking, per-call cost limit) with the admission variables declared,
// and its untracked twin.
func NewCompiler(opts ...CompilerOption) (*Compiler, error) {
	var cfg compilerConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	trackedBase := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()).StoredExpressionsEnv()
	fastBase, err := fastBaseEnv()
	if err != nil {
		return nil, err
	}
	if cfg.kyverno {
		return newKyvernoCompiler(trackedBase, fastBase, cfg)
	}
	tracked, err := admissionEnvs(trackedBase)
	if err != nil {
		return nil, err
	}
	fast, err := admissionEnvs(fastBase)
	if err != nil {
		return nil, err
	}
	return &Compiler{tracked: tracked, fast: fast}, nil
}

// newKyvernoCompiler builds the environments of Kyverno's CEL policies, cluster-wide and namespaced.
func newKyvernoCompiler(trackedBase, fastBase *cel.Env, cfg compilerConfig) (*Compiler, error) {
	c := &Compiler{libs: &libBinding{hosts: cfg.hosts}}
	var err error
	if c.tracked, c.fast, err = kyvernoEnvs(trackedBase, fastBase, false); err != nil {
		return nil, err
	}
	if c.nsTracked, c.nsFast, err = kyvernoEnvs(trackedBase, fastBase, true); err != nil {
		return nil, err
	}
	return c, nil
}

func admissionEnvs(base *cel.Env) (envPair, error) {
	without, err := admissionEnv(base, false)
	if err != nil {
		return envPair{}, err
	}
	with, err := admissionEnv(base, true)
	if err != nil {
		return envPair{}, err
	}
	return envPair{withoutParams: without, withParams: with}, nil
}

// admissionEnv declares the admission variables as ValidatingAdmissionPolicy does: object, oldObject and params
// are dynamic; request and namespaceObject have the Kubernetes object types.
func admissionEnv(base *cel.Env, params bool) (*cel.Env, error) {
	requestType := plugincel.BuildRequestType()
	namespaceType := plugincel.BuildNamespaceType()
	opts := []cel.EnvOption{
		cel.Variable(varObject, cel.DynType),
		cel.Variable(varOldObject, cel.DynType),
		cel.Variable(varNamespace, namespaceType.CelType()),
		cel.Variable(varRequest, requestType.CelType()),
	}
	if params {
		opts = append(opts, cel.Variable(varParams, cel.DynType))
	}
	env, err := extendWithTypes(base, opts, namespaceType, requestType)
	if err != nil {
		return nil, fmt.Errorf("build CEL admission environment: %w", err)
	}
	return env, nil
}

// extendWithTypes extends env with opts and a type provider for declTypes, as environment.EnvSet.Extend does.
func extendWithTypes(env *cel.Env, opts []cel.EnvOption, declTypes ...*apiservercel.DeclType) (*cel.Env, error) {
	provider := apiservercel.NewDeclTypeProvider(declTypes...)
	provider.SetRecognizeKeywordAsFieldName(true)
	providerOpts, err := provider.EnvOptions(env.CELTypeProvider())
	if err != nil {
		return nil, err
	}
	return env.Extend(append(providerOpts, opts...)...)
}

// ruleEnvs are the environments of one rule: `variables` is declared as an object type whose fields are added as
// variables compile (so each variable sees the ones declared before it).
type ruleEnvs struct {
	tracked, fast *cel.Env
	varType       *apiservercel.DeclType
	// namespaced refuses http; libs binds the library variables (nil without Kyverno's libraries).
	namespaced bool
	libs       *libBinding
}

func (c *Compiler) ruleEnvs(params bool, namespace string) (ruleEnvs, error) {
	return c.ruleEnvsWith(params, namespace, nil)
}

// ruleEnvsWith is ruleEnvs on environments first extended with extra (the patch types of mutations); nil extra
// leaves them as they are.
func (c *Compiler) ruleEnvsWith(params bool, namespace string, extra func() []cel.EnvOption) (ruleEnvs, error) {
	if namespace != "" && c.libs == nil {
		return ruleEnvs{}, fmt.Errorf("compile CEL rule: a namespaced rule needs a compiler WithKyvernoLibraries")
	}
	trackedPair, fastPair := c.tracked, c.fast
	if namespace != "" {
		trackedPair, fastPair = c.nsTracked, c.nsFast
	}
	trackedBase, fastBase := trackedPair.pick(params), fastPair.pick(params)
	if extra != nil {
		var err error
		if trackedBase, err = trackedBase.Extend(extra()...); err != nil {
			return ruleEnvs{}, fmt.Errorf("extend CEL environment: %w", err)
		}
		if fastBase, err = fastBase.Extend(extra()...); err != nil {
			return ruleEnvs{}, fmt.Errorf("extend CEL environment: %w", err)
		}
	}
	varType := apiservercel.NewObjectType(variablesTypeName, map[string]*apiservercel.DeclField{})
	opts := []cel.EnvOption{cel.Variable(varVariables, varType.CelType())}
	tracked, err := extendWithTypes(trackedBase, opts, varType)
	if err != nil {
		return ruleEnvs{}, fmt.Errorf("declare CEL variables: %w", err)
	}
	fast, err := extendWithTypes(fastBase, append(opts, withValueAdapter()), varType)
	if err != nil {
		return ruleEnvs{}, fmt.Errorf("declare CEL variables: %w", err)
	}
	envs := ruleEnvs{tracked: tracked, fast: fast, varType: varType, namespaced: namespace != ""}
	if c.libs != nil {
		envs.libs = &libBinding{namespace: namespace, hosts: c.libs.hosts}
	}
	return envs, nil
}

// program is one compiled expression: tracked counts cost against the limits; fast, planned from the same AST
// without cost tracking, is used only when the rule's cost is proven within the limits for the input (it is nil
// when it could not be planned). ast is kept for cost estimation.
type program struct {
	ast     *cel.Ast
	tracked cel.Program
	fast    cel.Program
}

// compile parses and checks expr in the tracked environment, checks that its type is one of want (AnyType accepts
// every type) and plans both programs.
func (r ruleEnvs) compile(expr string, want ...*cel.Type) (program, *cel.Type, error) {
	ast, issues := r.tracked.Compile(expr)
	if issues != nil && issues.Err() != nil {
		return program{}, nil, fmt.Errorf("%w: %s", ErrCompile, issues.String())
	}
	if r.namespaced {
		if err := checkNamespaced(ast); err != nil {
			return program{}, nil, err
		}
	}
	out := ast.OutputType()
	if !typeAllowed(out, want) {
		return program{}, nil, fmt.Errorf("%w: must evaluate to %s but got %v", ErrCompile, typeNames(want), out)
	}
	tracked, err := r.tracked.Program(ast, cel.InterruptCheckFrequency(checkFrequency))
	if err != nil {
		return program{}, nil, fmt.Errorf("program instantiation failed: %w", err)
	}
	fast, err := r.fast.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(checkFrequency))
	if err != nil {
		fast = nil
	}
	return program{ast: ast, tracked: tracked, fast: fast}, out, nil
}

func typeAllowed(out *cel.Type, want []*cel.Type) bool {
	for _, t := range want {
		if t == cel.AnyType || out.IsExactType(t) {
			return true
		}
	}
	return false
}

func typeNames(types []*cel.Type) string {
	if len(types) == 1 {
		return types[0].String()
	}
	return fmt.Sprintf("one of %v", types)
}

package cel

import (
	"errors"
	"fmt"

	"github.com/google/cel-go/cel"
	"k8s.io/apimachinery/pkg/util/version"
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

// Compiler compiles CEL rules against the Kubernetes admission environment. It is built once by NewCompiler and
// is safe for concurrent use.
type Compiler struct {
	// withoutParams and withParams declare object, oldObject, request and namespaceObject; withParams also
	// declares params. Neither declares variables, which are typed per rule.
	withoutParams *cel.Env
	withParams    *cel.Env
}

// NewCompiler builds the CEL environment: the Kubernetes base environment (all libraries of the stored-expressions
// environment, strict cost tracking, per-call cost limit) with the admission variables declared.
func NewCompiler() (*Compiler, error) {
	base := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion())
	withoutParams, err := admissionEnv(base, false)
	if err != nil {
		return nil, err
	}
	withParams, err := admissionEnv(base, true)
	if err != nil {
		return nil, err
	}
	return &Compiler{withoutParams: withoutParams, withParams: withParams}, nil
}

// admissionEnv extends the base environment with the admission variables, typed as ValidatingAdmissionPolicy
// types them: object, oldObject and params are dynamic; request and namespaceObject are object types.
func admissionEnv(base *environment.EnvSet, params bool) (*cel.Env, error) {
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
	set, err := base.Extend(environment.VersionedOptions{
		IntroducedVersion: version.MajorMinor(1, 0),
		EnvOptions:        opts,
		DeclTypes:         []*apiservercel.DeclType{namespaceType, requestType},
	}, environment.StrictCostOpt)
	if err != nil {
		return nil, fmt.Errorf("build CEL admission environment: %w", err)
	}
	return set.StoredExpressionsEnv(), nil
}

// ruleEnv extends the admission environment with `variables`, an object type whose fields the caller adds as
// variables compile (so each variable sees the ones declared before it).
func (c *Compiler) ruleEnv(params bool) (*cel.Env, *apiservercel.DeclType, error) {
	env := c.withoutParams
	if params {
		env = c.withParams
	}
	varType := apiservercel.NewObjectType(variablesTypeName, map[string]*apiservercel.DeclField{})
	provider := apiservercel.NewDeclTypeProvider(varType)
	provider.SetRecognizeKeywordAsFieldName(true)
	providerOpts, err := provider.EnvOptions(env.CELTypeProvider())
	if err != nil {
		return nil, nil, fmt.Errorf("declare CEL variables type: %w", err)
	}
	env, err = env.Extend(append(providerOpts, cel.Variable(varVariables, varType.CelType()))...)
	if err != nil {
		return nil, nil, fmt.Errorf("declare CEL variables: %w", err)
	}
	return env, varType, nil
}

// ErrCompile marks compilation failures (syntax, types, return type); the wrapping error names the field.
var ErrCompile = errors.New("compilation failed")

// compileExpr compiles one expression and checks that its type is one of want (AnyType accepts every type).
func compileExpr(env *cel.Env, expr string, want ...*cel.Type) (cel.Program, *cel.Type, error) {
	ast, issues := env.Compile(expr)
	if issues != nil && issues.Err() != nil {
		return nil, nil, fmt.Errorf("%w: %s", ErrCompile, issues.String())
	}
	out := ast.OutputType()
	if !typeAllowed(out, want) {
		return nil, nil, fmt.Errorf("%w: must evaluate to %s but got %v", ErrCompile, typeNames(want), out)
	}
	prog, err := env.Program(ast, cel.InterruptCheckFrequency(checkFrequency))
	if err != nil {
		return nil, nil, fmt.Errorf("program instantiation failed: %w", err)
	}
	return prog, out, nil
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

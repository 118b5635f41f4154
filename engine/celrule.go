package engine

import (
	"context"
	"fmt"
	"sync"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/cel"
)

// celCompiler builds the CEL environment on first use: it is costly, and most policy sets need none.
type celCompiler struct {
	opts     []cel.CompilerOption
	once     sync.Once
	compiler *cel.Compiler
	err      error
}

func (c *celCompiler) get() (*cel.Compiler, error) {
	c.once.Do(func() { c.compiler, c.err = cel.NewCompiler(c.opts...) })
	return c.compiler, c.err
}

// celProgram is a compiled validate.cel rule and what it needs besides the resource.
type celProgram struct {
	program  *cel.Program
	paramRef *admissionregistrationv1.ParamRef
	paramGVK [2]string // apiVersion, kind
}

func (e *Engine) compileCEL(spec *v1alpha1.CEL, message string) (*celProgram, error) {
	c, err := e.cel.get()
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	prog, err := c.Compile(spec, cel.WithMessage(message))
	if err != nil {
		return nil, err
	}
	out := &celProgram{program: prog, paramRef: spec.ParamRef}
	if spec.ParamKind != nil {
		out.paramGVK = [2]string{spec.ParamKind.APIVersion, spec.ParamKind.Kind}
	}
	return out, nil
}

// celInput returns the input's CEL bindings, converted once and shared by every CEL rule that reads them. The
// request and namespace documents are built only when a rule reads them.
func (in *Input) celInput() cel.Input {
	in.celOnce.Do(func() {
		ci := cel.Input{Object: in.req.Object, OldObject: in.req.OldObject}
		if in.req.Operation == OperationDelete {
			ci.Object = nil
		}
		in.cel = ci.Defer(func() map[string]any { return admissionRequestDoc(in) }, in.namespaceDoc).Prepare()
	})
	return in.cel
}

// namespaceDoc is the namespace of a namespaced resource, with its labels; nil for a cluster-scoped one.
func (in *Input) namespaceDoc() map[string]any {
	if in.resource.Namespace == "" {
		return nil
	}
	return map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{
		"name": in.resource.Namespace, "labels": stringsToAny(in.req.NamespaceLabels)}}
}

// admissionRequestDoc shapes the request as an admission.k8s.io/v1 AdmissionRequest, without the objects.
func admissionRequestDoc(in *Input) map[string]any {
	r := in.resource
	doc := map[string]any{
		"operation": string(in.req.Operation),
		"name":      r.Name,
		"namespace": r.Namespace,
		"dryRun":    in.req.DryRun,
		"kind":      requestKindDoc(in.req, r),
		"userInfo":  userInfoDoc(in.req.UserInfo),
	}
	if in.req.Subresource != "" {
		doc["subResource"] = in.req.Subresource
	}
	return doc
}

func stringsToAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// checkCEL evaluates a validate.cel rule. As in Kyverno, an expression that cannot be evaluated fails the rule.
func checkCEL(ctx context.Context, p *celProgram, in *Input, loader Loader) outcome {
	ci := in.celInput()
	if p.paramRef != nil {
		params, err := loadParams(ctx, p, in, loader)
		if err != nil {
			return outcome{status: StatusError, message: err.Error()}
		}
		ci.Params = params
	}
	res := p.program.Evaluate(ctx, ci)
	switch res.Status {
	case cel.StatusPass:
		return outcome{status: StatusPass}
	case cel.StatusFail:
		return outcome{status: StatusFail, message: res.Message}
	}
	return outcome{status: StatusFail, message: "CEL evaluation error: " + res.Message}
}

func loadParams(ctx context.Context, p *celProgram, in *Input, loader Loader) (any, error) {
	if loader == nil {
		return nil, fmt.Errorf("paramRef %s: no loader for existing resources", p.paramRef.Name)
	}
	ns := p.paramRef.Namespace
	if ns == "" {
		ns = in.resource.Namespace
	}
	obj, err := loader.Resource(ctx, ResourceQuery{APIVersion: p.paramGVK[0], Kind: p.paramGVK[1], Namespace: ns, Name: p.paramRef.Name})
	if err != nil {
		return nil, fmt.Errorf("paramRef %s: %w", p.paramRef.Name, err)
	}
	return obj, nil
}

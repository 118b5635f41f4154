package generate

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

// applyGenerated runs the policy's generate rules on the trigger and creates or updates their objects, then deletes
// the synchronized downstream of the trigger that the rules no longer ask for.
func (r *Reconciler) applyGenerated(ctx context.Context, a *attempt) (verdict, error) {
	if !a.policy.HasGenerate() {
		return proceed, nil
	}
	in, err := r.input(ctx, a)
	if err != nil {
		return proceed, err
	}
	res := r.Engine.Generate(ctx, a.policy, in, engine.EvalOptions{Loader: r.Loader, Exceptions: a.snap.Exceptions})
	only := appliedRules(a)
	if err := ruleErrors(res.Rules, only); err != nil {
		return proceed, err
	}
	var objs []engine.Generated
	for _, g := range res.Objects {
		if only != nil && !only[g.Rule] {
			continue
		}
		g.Object = downstreamObject(a.policy.Key(), g, triggerOf(a)).Object
		if err := r.confine(a.policy, g.Rule, "generate.namespace", &unstructured.Unstructured{Object: g.Object}); err != nil {
			return proceed, err // nothing of the request is written
		}
		objs = append(objs, g)
	}
	for _, g := range objs {
		u := &unstructured.Unstructured{Object: g.Object}
		if g.Synchronize && r.Downstream != nil {
			if err := r.Downstream.EnsureWatched(ctx, u.GroupVersionKind()); err != nil {
				return proceed, err
			}
		}
		if err := r.put(ctx, u, g.Synchronize); err != nil {
			return proceed, err
		}
		a.generated = append(a.generated, referenceOf(u))
	}
	return proceed, r.pruneDownstream(ctx, a)
}

// appliedRules returns the generate rules a request runs: for an Existing request the rules with generateExisting
// (Kyverno runs only those for existing triggers), nil (every rule) for the others.
func appliedRules(a *attempt) map[string]bool {
	if a.gr.Spec.Operation != v1alpha1.GenerateExistingTrigger {
		return nil
	}
	only := map[string]bool{}
	for _, g := range a.policy.GenerateRules() {
		if g.GenerateExisting {
			only[g.Name] = true
		}
	}
	return only
}

// applyTargets runs the policy's mutate-existing rules and updates the targets they patched, each with the
// resourceVersion it was read at; on a conflict the rules run again on fresh targets.
func (r *Reconciler) applyTargets(ctx context.Context, a *attempt) (verdict, error) {
	existing := map[string]bool{}
	for _, rule := range a.policy.Rules {
		if rule.IsMutateExisting() {
			existing[rule.Name] = true
		}
	}
	if len(existing) == 0 {
		return proceed, nil
	}
	in, err := r.input(ctx, a)
	if err != nil {
		return proceed, err
	}
	err = retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		res := r.Engine.Mutate(ctx, a.policy, in, engine.EvalOptions{Loader: r.Loader, Exceptions: a.snap.Exceptions})
		if err := ruleErrors(res.Rules, existing); err != nil {
			return err
		}
		for _, t := range res.Targets {
			if err := r.confine(a.policy, t.Rule, "mutate.targets", &unstructured.Unstructured{Object: t.Object}); err != nil {
				return err
			}
		}
		for _, t := range res.Targets {
			u := &unstructured.Unstructured{Object: t.Object}
			if err := r.Client.Update(ctx, u, client.FieldOwner(r.fieldOwner())); err != nil {
				return fmt.Errorf("rule %s: updating target %s %s: %w", t.Rule, u.GetKind(), objectName(u), err)
			}
		}
		return nil
	})
	return proceed, err
}

// input prepares the trigger for the engine: the admission operation of the request (CREATE for Existing and Sync),
// its user and the labels of its namespace.
func (r *Reconciler) input(ctx context.Context, a *attempt) (*engine.Input, error) {
	spec := a.gr.Spec
	op := engine.OperationCreate
	if spec.Operation == v1alpha1.GenerateOnUpdate {
		op = engine.OperationUpdate
	}
	req := engine.Request{Operation: op, Object: a.trigger.Object,
		UserInfo: engine.UserInfo{Username: spec.UserInfo.Username, UID: spec.UserInfo.UID, Groups: spec.UserInfo.Groups}}
	if ns := a.trigger.GetNamespace(); ns != "" {
		labels, err := r.namespaceLabels(ctx, ns)
		if err != nil {
			return nil, err
		}
		req.NamespaceLabels = labels
	}
	return engine.NewInput(req), nil
}

func (r *Reconciler) namespaceLabels(ctx context.Context, name string) (map[string]string, error) {
	ns, err := r.getObject(ctx, "v1", "Namespace", "", name)
	if err != nil {
		return nil, fmt.Errorf("reading the labels of namespace %s: %w", name, err)
	}
	return ns.GetLabels(), nil
}

// ruleErrors joins the error results of the rules (of the named rules only, when only is not nil).
func ruleErrors(results []engine.RuleResult, only map[string]bool) error {
	var errs []error
	for _, rr := range results {
		if rr.Status == engine.StatusError && (only == nil || only[rr.Rule]) {
			errs = append(errs, fmt.Errorf("rule %s: %s", rr.Rule, rr.Message))
		}
	}
	return errors.Join(errs...)
}

// triggerOf is the trigger as found: its uid is the one stored now.
func triggerOf(a *attempt) v1alpha1.GenerateTrigger {
	t := a.gr.Spec.Trigger
	t.UID = string(a.trigger.GetUID())
	return t
}

// downstreamObject is a generated object with Bylaw's labels and annotations on top of its own.
func downstreamObject(policyKey string, g engine.Generated, t v1alpha1.GenerateTrigger) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: g.Object}
	labels := u.GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, downstreamLabels(policyKey, g.Rule, t))
	u.SetLabels(labels)
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	maps.Copy(ann, downstreamAnnotations(policyKey, t))
	u.SetAnnotations(ann)
	return u
}

// put writes a downstream object: a forced server-side apply for a synchronized rule, so that drift in the fields the
// rule sets is reverted; a create that leaves an existing object alone otherwise.
func (r *Reconciler) put(ctx context.Context, u *unstructured.Unstructured, synchronize bool) error {
	if synchronize {
		err := r.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(r.fieldOwner()), client.ForceOwnership)
		if err != nil {
			return fmt.Errorf("applying %s %s: %w", u.GetKind(), objectName(u), err)
		}
		return nil
	}
	err := r.Client.Create(ctx, u, client.FieldOwner(r.fieldOwner()))
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating %s %s: %w", u.GetKind(), objectName(u), err)
	}
	return nil
}

// pruneDownstream deletes the downstream objects of the trigger's synchronized rules that the rules no longer ask
// for (the trigger no longer matches, a precondition no longer holds, a generated name changed); an Existing request
// prunes only for the rules it ran.
func (r *Reconciler) pruneDownstream(ctx context.Context, a *attempt) error {
	keep := map[v1alpha1.GeneratedReference]bool{}
	for _, ref := range a.generated {
		keep[ref] = true
	}
	sel := map[string]string{LabelTriggerUID: LabelValue(string(a.trigger.GetUID()))}
	objs, err := r.listDownstream(ctx, a.policy, sel, true)
	if err != nil {
		return err
	}
	only := appliedRules(a)
	applied := map[string]bool{}
	for name := range only {
		applied[LabelValue(name)] = true
	}
	var stale []unstructured.Unstructured
	for _, o := range objs {
		if !keep[referenceOf(&o)] && (only == nil || applied[o.GetLabels()[LabelRule]]) {
			stale = append(stale, o)
		}
	}
	return r.deleteObjects(ctx, stale)
}

// deleteTriggerDownstream deletes the downstream objects of the policy's synchronized rules for a trigger that is gone.
func (r *Reconciler) deleteTriggerDownstream(ctx context.Context, p *engine.Policy, t v1alpha1.GenerateTrigger) error {
	sel := map[string]string{LabelTriggerUID: LabelValue(t.UID)}
	if t.UID == "" {
		sel = map[string]string{LabelTriggerKind: LabelValue(t.Kind), LabelTriggerNamespace: LabelValue(t.Namespace),
			LabelTriggerName: LabelValue(t.Name)}
	}
	objs, err := r.listDownstream(ctx, p, sel, true)
	if err != nil {
		return err
	}
	return r.deleteObjects(ctx, objs)
}

// listDownstream lists the downstream objects of p's generate rules (synchronized ones only when syncOnly) that
// carry the labels sel, kind by kind. Kinds written with variables cannot be listed and are skipped.
func (r *Reconciler) listDownstream(ctx context.Context, p *engine.Policy, sel map[string]string, syncOnly bool) ([]unstructured.Unstructured, error) {
	return listDownstream(ctx, r.Reader, p, sel, func(g engine.GenerateRule) bool { return g.Synchronize || !syncOnly })
}

func (r *Reconciler) deleteObjects(ctx context.Context, objs []unstructured.Unstructured) error {
	return deleteObjects(ctx, r.Client, objs)
}

// getObject reads one object from the API server.
func (r *Reconciler) getObject(ctx context.Context, apiVersion, kind, namespace, name string) (*unstructured.Unstructured, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.FromAPIVersionAndKind(apiVersion, kind))
	if err := r.Reader.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, u); err != nil {
		return nil, err
	}
	return u, nil
}

func referenceOf(u *unstructured.Unstructured) v1alpha1.GeneratedReference {
	return v1alpha1.GeneratedReference{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
}

func objectName(u *unstructured.Unstructured) string {
	if u.GetNamespace() == "" {
		return u.GetName()
	}
	return u.GetNamespace() + "/" + u.GetName()
}

// logDeleted logs one deleted downstream object.
func logDeleted(ctx context.Context, u *unstructured.Unstructured) {
	logr.FromContextOrDiscard(ctx).Info("deleted downstream object", "downstreamKind", u.GetKind(), "downstream", objectName(u))
}

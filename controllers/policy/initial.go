package policy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

// initialLoad reads every policy object once the cache has synced, loads the valid ones into the store and marks
// it ready, so that readiness (and admission) never runs on a partial set.
type initialLoad struct {
	r   *Reconciler
	mgr manager.Manager
}

func (l *initialLoad) NeedLeaderElection() bool { return false }

func (l *initialLoad) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("initial-load")
	if !l.mgr.GetCache().WaitForCacheSync(ctx) {
		return errors.New("policy cache did not sync")
	}
	policies, exceptions, err := l.read(ctx)
	if err != nil {
		return err
	}
	vpols, cexs, err := l.readValidating(ctx)
	if err != nil {
		return err
	}
	dpols, err := l.readDeleting(ctx)
	if err != nil {
		return err
	}
	gpols, err := l.readGenerating(ctx)
	if err != nil {
		return err
	}
	vpols = append(vpols, gpols...)
	mpols, err := l.readMutating(ctx)
	if err != nil {
		return err
	}
	l.r.Store.ReplaceSource(SourceName, policies, exceptions)
	l.r.Store.ReplaceSource(ValidatingSourceName, vpols, cexs)
	l.r.Store.ReplaceSource(DeletingSourceName, dpols, nil)
	l.r.Store.ReplaceSource(MutatingSourceName, mpols, nil)
	l.r.Store.MarkReady()
	log.Info("policy set loaded", "policies", len(policies)+len(vpols)+len(dpols)+len(mpols), "exceptions", len(exceptions)+len(cexs),
		"revision", l.r.Store.Snapshot().Revision)
	return nil
}

// read compiles every object; invalid ones, and exceptions from untrusted namespaces, are left to their reconcile,
// which reports them.
func (l *initialLoad) read(ctx context.Context) ([]*engine.Policy, []*engine.Exception, error) {
	c := l.mgr.GetClient()
	var cps v1alpha1.ClusterPolicyList
	if err := c.List(ctx, &cps); err != nil {
		return nil, nil, fmt.Errorf("listing ClusterPolicies: %w", err)
	}
	var ps v1alpha1.PolicyList
	if err := c.List(ctx, &ps); err != nil {
		return nil, nil, fmt.Errorf("listing Policies: %w", err)
	}
	var xs v1alpha1.PolicyExceptionList
	if err := c.List(ctx, &xs); err != nil {
		return nil, nil, fmt.Errorf("listing PolicyExceptions: %w", err)
	}
	var policies []*engine.Policy
	add := func(kind string, om metav1.ObjectMeta, spec *v1alpha1.Spec) {
		if p, err := l.r.Loader.CompilePolicy(kind, &om, spec); err == nil {
			policies = append(policies, p)
		}
	}
	for i := range cps.Items {
		add("ClusterPolicy", cps.Items[i].ObjectMeta, &cps.Items[i].Spec)
	}
	for i := range ps.Items {
		add("Policy", ps.Items[i].ObjectMeta, &ps.Items[i].Spec)
	}
	var exceptions []*engine.Exception
	for i := range xs.Items {
		if x, _, err := l.r.compileException(&xs.Items[i]); err == nil {
			exceptions = append(exceptions, x)
		}
	}
	return policies, exceptions, nil
}

// readValidating compiles every policies.kyverno.io object, as read does the bylaw.dev ones.
func (l *initialLoad) readValidating(ctx context.Context) ([]*engine.Policy, []*engine.Exception, error) {
	c := l.mgr.GetClient()
	var vps policiesv1.ValidatingPolicyList
	if err := c.List(ctx, &vps); err != nil {
		return nil, nil, fmt.Errorf("listing ValidatingPolicies: %w", err)
	}
	var nvps policiesv1.NamespacedValidatingPolicyList
	if err := c.List(ctx, &nvps); err != nil {
		return nil, nil, fmt.Errorf("listing NamespacedValidatingPolicies: %w", err)
	}
	var xs policiesv1.PolicyExceptionList
	if err := c.List(ctx, &xs); err != nil {
		return nil, nil, fmt.Errorf("listing policies.kyverno.io PolicyExceptions: %w", err)
	}
	var policies []*engine.Policy
	add := func(kind string, om metav1.ObjectMeta, spec *policiesv1.ValidatingPolicySpec) {
		if p, err := l.r.Loader.CompileValidating(kind, &om, spec); err == nil {
			policies = append(policies, p)
		}
	}
	for i := range vps.Items {
		add(policiesv1.ValidatingPolicyKind, vps.Items[i].ObjectMeta, &vps.Items[i].Spec)
	}
	for i := range nvps.Items {
		add(policiesv1.NamespacedValidatingPolicyKind, nvps.Items[i].ObjectMeta, &nvps.Items[i].Spec)
	}
	var exceptions []*engine.Exception
	for i := range xs.Items {
		if x, _, err := l.r.compileCELException(&xs.Items[i], time.Now()); err == nil {
			exceptions = append(exceptions, x)
		}
	}
	return policies, exceptions, nil
}

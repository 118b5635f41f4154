package registration

import (
	"context"
	"fmt"
	"maps"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/bylaw-dev/bylaw/engine"
)

// Log keys, stable so that log queries keep working.
const (
	logKeyKind          = "kind"
	logKeyConfiguration = "configuration"
	logKeyWebhooks      = "webhooks"
	logKeyWarning       = "warning"
)

// Syncer keeps the cluster's webhook configurations equal to what the policy set needs.
type Syncer struct {
	// Mapper resolves kind selectors; in a cluster, a discovery-based mapper (apiutil.NewDynamicRESTMapper). That
	// mapper caches: a kind named without its group ("Widget") from an API group added after it loaded is not found
	// until a new mapper is made, so make one per sync or when CRDs change (two requests with aggregated discovery).
	Mapper meta.RESTMapper
	// Options says how the API server reaches the webhook.
	Options Options
}

// AnnotationRepairedAt is set by Repair on every configuration it rewrites: the time of the repair (RFC 3339).
const AnnotationRepairedAt = "bylaw.dev/repaired-at"

// Sync computes the desired configurations for policies and applies them with c: creates a missing one, updates one
// whose webhooks or labels differ, leaves an equal one alone and deletes one no policy needs. When the desired state
// cannot be computed nothing is changed. Kinds that could not be registered are logged, not returned.
func (s *Syncer) Sync(ctx context.Context, c client.Client, policies []*engine.Policy, caBundle []byte) error {
	return s.sync(ctx, c, policies, caBundle, "")
}

// Repair is Sync that rewrites every configuration even when it looks equal, stamping AnnotationRepairedAt with
// repairedAt, so that the API server sees a new version of each (and reloads its webhook clients) while the
// configurations never cease to exist: deleting and re-creating them would leave a window without fail-closed
// policies. It is what the webhook monitor does when the API server has stopped calling.
func (s *Syncer) Repair(ctx context.Context, c client.Client, policies []*engine.Policy, caBundle []byte,
	repairedAt string) error {
	return s.sync(ctx, c, policies, caBundle, repairedAt)
}

func (s *Syncer) sync(ctx context.Context, c client.Client, policies []*engine.Policy, caBundle []byte,
	repairedAt string) error {
	logger := log.FromContext(ctx)
	validating, mutating, warnings, err := Desired(policies, s.Mapper, caBundle, s.Options)
	if err != nil {
		return fmt.Errorf("computing webhook configurations: %w", err)
	}
	for _, w := range warnings {
		logger.Info("kind not registered at admission", logKeyWarning, w)
	}
	opts, _ := s.Options.complete() // Desired has validated them.
	targets := []target{validatingTarget(opts.ValidatingName, validating), mutatingTarget(opts.MutatingName, mutating),
		mutatingTarget(opts.MonitorName, DesiredMonitor(caBundle, opts))}
	for _, t := range targets {
		t.repairedAt = repairedAt
		if err := apply(ctx, c, t); err != nil {
			return err
		}
	}
	return nil
}

// target adapts one configuration type to apply.
type target struct {
	kind, name string
	// desired is nil when the configuration should not exist.
	desired client.Object
	// empty returns an object to read the current configuration into.
	empty func() client.Object
	// webhooks returns the number of webhooks in an object.
	webhooks func(client.Object) int
	// sameWebhooks reports whether an object has the desired webhooks.
	sameWebhooks func(client.Object) bool
	// setWebhooks replaces an object's webhooks with (a copy of) the desired ones.
	setWebhooks func(client.Object)
	// repairedAt, when set, makes apply rewrite an existing configuration and stamp AnnotationRepairedAt.
	repairedAt string
}

// newTarget builds the target of one configuration type; hooks returns the webhooks field of an object of that type.
func newTarget[T client.Object, W any](kind, name string, desired T, present bool, empty func() T,
	hooks func(T) *[]W) target {
	t := target{
		kind:     kind,
		name:     name,
		empty:    func() client.Object { return empty() },
		webhooks: func(o client.Object) int { return len(*hooks(o.(T))) },
	}
	if !present {
		return t
	}
	t.desired = desired
	t.sameWebhooks = func(o client.Object) bool {
		return equality.Semantic.DeepEqual(*hooks(o.(T)), *hooks(desired))
	}
	t.setWebhooks = func(o client.Object) {
		*hooks(o.(T)) = *hooks(desired.DeepCopyObject().(T))
	}
	return t
}

func validatingTarget(name string, desired *admissionregistrationv1.ValidatingWebhookConfiguration) target {
	return newTarget("ValidatingWebhookConfiguration", name, desired, desired != nil,
		func() *admissionregistrationv1.ValidatingWebhookConfiguration {
			return &admissionregistrationv1.ValidatingWebhookConfiguration{}
		},
		func(o *admissionregistrationv1.ValidatingWebhookConfiguration) *[]admissionregistrationv1.ValidatingWebhook {
			return &o.Webhooks
		})
}

func mutatingTarget(name string, desired *admissionregistrationv1.MutatingWebhookConfiguration) target {
	return newTarget("MutatingWebhookConfiguration", name, desired, desired != nil,
		func() *admissionregistrationv1.MutatingWebhookConfiguration {
			return &admissionregistrationv1.MutatingWebhookConfiguration{}
		},
		func(o *admissionregistrationv1.MutatingWebhookConfiguration) *[]admissionregistrationv1.MutatingWebhook {
			return &o.Webhooks
		})
}

// apply brings one configuration to its desired state.
func apply(ctx context.Context, c client.Client, t target) error {
	logger := log.FromContext(ctx).WithValues(logKeyKind, t.kind, logKeyConfiguration, t.name)
	current := t.empty()
	err := c.Get(ctx, client.ObjectKey{Name: t.name}, current)
	exists := err == nil
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("reading %s %s: %w", t.kind, t.name, err)
	}
	switch {
	case t.desired == nil && !exists:
		return nil
	case t.desired == nil:
		if err := c.Delete(ctx, current); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("deleting %s %s, no policy needs it: %w", t.kind, t.name, err)
		}
		logger.Info("deleted webhook configuration")
		return nil
	case !exists:
		obj := t.desired.DeepCopyObject().(client.Object)
		stampRepair(obj, t.repairedAt)
		if err := c.Create(ctx, obj); err != nil {
			return fmt.Errorf("creating %s %s: %w", t.kind, t.name, err)
		}
		logger.Info("created webhook configuration", logKeyWebhooks, t.webhooks(obj))
		return nil
	}
	if t.repairedAt == "" && t.sameWebhooks(current) && hasLabels(current.GetLabels(), t.desired.GetLabels()) {
		logger.V(1).Info("webhook configuration up to date", logKeyWebhooks, t.webhooks(current))
		return nil
	}
	t.setWebhooks(current)
	labels := maps.Clone(current.GetLabels())
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, t.desired.GetLabels())
	current.SetLabels(labels)
	stampRepair(current, t.repairedAt)
	if err := c.Update(ctx, current); err != nil {
		return fmt.Errorf("updating %s %s: %w", t.kind, t.name, err)
	}
	logger.Info("updated webhook configuration", logKeyWebhooks, t.webhooks(current))
	return nil
}

// hasLabels reports whether have holds every label of want.
func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// stampRepair sets AnnotationRepairedAt on obj when at is not empty.
func stampRepair(obj client.Object, at string) {
	if at == "" {
		return
	}
	annotations := maps.Clone(obj.GetAnnotations())
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[AnnotationRepairedAt] = at
	obj.SetAnnotations(annotations)
}

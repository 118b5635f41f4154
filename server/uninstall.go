package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/webhook/monitor"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// uninstallWebhooks deletes Bylaw's webhook configurations (validating, mutating, monitor) and the monitor Leases of
// --namespace, for `bylaw serve --uninstall-webhooks`: the first step of an orderly uninstall, run as a pre-delete
// hook or by hand. A replica that stops (a rolling restart, a SIGTERM) never does this: the other replicas keep
// serving under the same configurations. Run it after the Deployment is gone, or a leader re-creates them.
func uninstallWebhooks(ctx context.Context, cfg *rest.Config, o Options) error {
	log := logr.FromContextOrDiscard(ctx)
	scheme, err := NewScheme()
	if err != nil {
		return err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("API client: %w", err)
	}
	validating, mutating, monitorName := registration.Options{}.Names()
	objects := []client.Object{
		&admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: validating}},
		&admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: mutating}},
		&admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: monitorName}},
	}
	var errs []error
	for _, obj := range objects {
		err := c.Delete(ctx, obj)
		switch {
		case client.IgnoreNotFound(err) != nil:
			errs = append(errs, fmt.Errorf("deleting %T %s: %w", obj, obj.GetName(), err))
		case err == nil:
			log.Info("deleted webhook configuration", "configuration", obj.GetName())
		}
	}
	if err := c.DeleteAllOf(ctx, &coordinationv1.Lease{}, client.InNamespace(o.Namespace),
		client.MatchingLabels{monitor.LabelMonitor: monitor.LabelValue}); err != nil {
		errs = append(errs, fmt.Errorf("deleting the monitor Leases in %s: %w", o.Namespace, err))
	}
	return errors.Join(errs...)
}

package server

import (
	"context"
	"fmt"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// watchConfigurations returns a channel that receives a value when one of Bylaw's webhook configurations is
// created, changed or deleted, by Bylaw or by hand: the registrar then syncs at once, so that a configuration
// deleted or edited by hand is restored within the time of a sync, not at the next resync. The channel holds one
// pending change at most (changes that come while a sync runs make one more sync). Nil informers: a nil channel.
func (r *registrar) watchConfigurations(ctx context.Context) (<-chan struct{}, error) {
	if r.informers == nil {
		return nil, nil
	}
	validating, mutating, monitorName := r.syncer.Options.Names()
	ours := map[string]bool{validating: true, mutating: true, monitorName: true}
	changed := make(chan struct{}, 1)
	log := logr.FromContextOrDiscard(ctx)
	notify := func(obj any) {
		if tomb, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
			obj = tomb.Obj
		}
		o, ok := obj.(client.Object)
		if !ok || !ours[o.GetName()] {
			return
		}
		log.V(1).Info("webhook configuration changed", "configuration", o.GetName(), "resourceVersion", o.GetResourceVersion())
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	handler := toolscache.ResourceEventHandlerFuncs{AddFunc: notify, DeleteFunc: notify,
		UpdateFunc: func(_, obj any) { notify(obj) }}
	for _, obj := range []client.Object{&admissionregistrationv1.ValidatingWebhookConfiguration{},
		&admissionregistrationv1.MutatingWebhookConfiguration{}} {
		inf, err := r.informers.GetInformer(ctx, obj)
		if err != nil {
			return nil, fmt.Errorf("watching %T: %w", obj, err)
		}
		if _, err := inf.AddEventHandler(handler); err != nil {
			return nil, fmt.Errorf("watching %T: %w", obj, err)
		}
	}
	return changed, nil
}

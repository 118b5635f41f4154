package reportsink

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// SetupWithManager registers the controller and the poller of the Book's generation. Both run on the leader only.
func (r *Reconciler) SetupWithManager(mgr manager.Manager) error {
	triggers := make(chan event.GenericEvent, 64)
	inNamespace := predicate.NewPredicateFuncs(func(obj client.Object) bool {
		return r.Namespace == "" || obj.GetNamespace() == r.Namespace
	})
	err := ctrl.NewControllerManagedBy(mgr).Named("reportsink").
		For(&v1alpha1.ReportSink{}, builder.WithPredicates(predicate.GenerationChangedPredicate{}, inNamespace)).
		WatchesRawSource(source.Channel(triggers, &handler.EnqueueRequestForObject{})).
		Complete(r)
	if err != nil {
		return fmt.Errorf("setting up the reportsink controller: %w", err)
	}
	if err := mgr.Add(&bookPoller{r: r, reader: mgr.GetClient(), triggers: triggers}); err != nil {
		return fmt.Errorf("adding the report book poller: %w", err)
	}
	return nil
}

// bookPoller enqueues every ReportSink when the Book's generation changed since its last look.
type bookPoller struct {
	r        *Reconciler
	reader   client.Reader
	triggers chan<- event.GenericEvent
}

// NeedLeaderElection makes the poller run on the leader only, beside the controller.
func (p *bookPoller) NeedLeaderElection() bool { return true }

// Start polls until ctx is done.
func (p *bookPoller) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("reportsink-poller")
	ticker := time.NewTicker(positive(p.r.Poll, DefaultPoll))
	defer ticker.Stop()
	seen := p.r.Book.Generation()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		gen := p.r.Book.Generation()
		if gen == seen {
			continue
		}
		if err := p.enqueueAll(ctx); err != nil {
			log.Error(err, "listing ReportSinks; retried at the next tick")
			continue
		}
		seen = gen
	}
}

// enqueueAll sends a trigger for every ReportSink served.
func (p *bookPoller) enqueueAll(ctx context.Context) error {
	var list v1alpha1.ReportSinkList
	var opts []client.ListOption
	if p.r.Namespace != "" {
		opts = append(opts, client.InNamespace(p.r.Namespace))
	}
	if err := p.reader.List(ctx, &list, opts...); err != nil {
		return fmt.Errorf("listing ReportSinks: %w", err)
	}
	for i := range list.Items {
		obj := &v1alpha1.ReportSink{ObjectMeta: metav1.ObjectMeta{Namespace: list.Items[i].Namespace,
			Name: list.Items[i].Name}}
		select {
		case p.triggers <- event.GenericEvent{Object: obj}:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

package gitsource

import (
	"fmt"

	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// SetupWithManager registers the controller; triggers (for example the push hook) enqueue a source at once. It runs
// on every replica, and readiness waits for the first load of every GitSource present at start (firstLoadGate).
func (r *Reconciler) SetupWithManager(mgr manager.Manager, triggers <-chan event.GenericEvent) error {
	b := ctrl.NewControllerManagedBy(mgr).Named("gitsource").
		For(&v1alpha1.GitSource{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{NeedLeaderElection: ptr.To(false)})
	if triggers != nil {
		b = b.WatchesRawSource(source.Channel(triggers, &handler.EnqueueRequestForObject{}))
	}
	if err := b.Complete(r); err != nil {
		return fmt.Errorf("setting up the gitsource controller: %w", err)
	}
	r.Store.Wait(listingKey)
	return mgr.Add(&firstLoadGate{r: r, mgr: mgr, timeout: DefaultFirstLoadTimeout})
}

package server

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook/certs"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// registrar keeps the webhook configurations equal to the policy set: after every snapshot, after a CA bundle
// change, when one of Bylaw's configurations is edited or deleted (a watch), and every resync interval. It runs on
// the leader.
type registrar struct {
	store  *policy.Store
	keeper *certs.Keeper
	syncer *registration.Syncer
	client client.Client
	resync time.Duration
	// informers, when set, are watched for changes of Bylaw's webhook configurations.
	informers cache.Informers
}

func (r *registrar) NeedLeaderElection() bool { return true }

func (r *registrar) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("webhook-registration")
	ctx = logr.NewContext(ctx, log)
	changes, cancel := r.store.Subscribe()
	defer cancel()
	caChanged := make(chan struct{}, 1)
	r.keeper.OnCABundle(func([]byte) {
		select {
		case caChanged <- struct{}{}:
		default:
		}
	})
	edited, err := r.watchConfigurations(ctx)
	if err != nil {
		return err
	}
	ticker := time.NewTicker(r.resync)
	defer ticker.Stop()
	retry := time.Duration(0)
	var retryC <-chan time.Time
	for {
		if err := r.sync(ctx); err != nil {
			retry = min(max(2*retry, 500*time.Millisecond), 30*time.Second)
			log.Error(err, "syncing webhook configurations; will retry", "retryIn", retry.String())
			retryC = time.After(retry)
		} else {
			retry, retryC = 0, nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changes:
		case <-caChanged:
		case <-edited:
		case <-ticker.C:
		case <-retryC:
		}
	}
}

// sync registers the snapshot in force, once the store is ready and a CA bundle exists.
func (r *registrar) sync(ctx context.Context) error {
	ca := r.keeper.CABundle()
	if !r.store.Ready() || ca == nil {
		return nil
	}
	return r.syncer.Sync(ctx, r.client, r.store.Snapshot().Policies, ca)
}

package server

import (
	"fmt"

	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"

	generatectl "github.com/bylaw-dev/bylaw/controllers/generate"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook"
)

// newGenerate sets up the generate controller (on the leader) and returns the recorder of generate requests that
// every replica's webhook uses.
func newGenerate(mgr ctrl.Manager, cfg *rest.Config, o Options, eng *engine.Engine, store *policy.Store) (webhook.GenerateRecorder, error) {
	loader, err := newContextLoader(cfg, o, mgr.GetClient(), mgr.GetAPIReader())
	if err != nil {
		return nil, err
	}
	recorder, err := generatectl.Setup(mgr, generatectl.Options{Engine: eng, Store: store, Namespace: o.Namespace, Loader: loader})
	if err != nil {
		return nil, fmt.Errorf("generate controller: %w", err)
	}
	return recorder, nil
}

package server

import (
	"bytes"
	"fmt"
	"net/http"
	"os"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/event"

	gitsourcectl "github.com/bylaw-dev/bylaw/controllers/gitsource"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/gitsource/fetch"
	"github.com/bylaw-dev/bylaw/policy"
)

// newGitSources sets up the GitSource controller and returns the HTTPS handler: admission, plus the push hook when
// a token file is given.
func newGitSources(mgr ctrl.Manager, o Options, eng *engine.Engine, store *policy.Store, admission http.Handler,
	log logr.Logger) (http.Handler, error) {
	if err := os.MkdirAll(o.GitCacheDir, 0o700); err != nil {
		return nil, fmt.Errorf("--git-cache-dir %s: %w", o.GitCacheDir, err)
	}
	elected := mgr.Elected()
	triggers := make(chan event.GenericEvent, 64)
	r := &gitsourcectl.Reconciler{
		Client: mgr.GetClient(), Fetcher: &fetch.Fetcher{}, CacheDir: o.GitCacheDir, Loader: policy.NewLoader(eng),
		Store: store, Events: mgr.GetEventRecorder("bylaw-gitsource"), IsLeader: func() bool { return isClosed(elected) },
	}
	if err := r.SetupWithManager(mgr, triggers); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", admission)
	if o.GitHookTokenFile == "" {
		return mux, nil
	}
	token, err := os.ReadFile(o.GitHookTokenFile)
	if err != nil {
		return nil, fmt.Errorf("--git-hook-token-file: %w", err)
	}
	token = bytes.TrimSpace(token)
	if len(token) < 16 {
		return nil, fmt.Errorf("--git-hook-token-file %s: the token must have at least 16 characters", o.GitHookTokenFile)
	}
	mux.Handle(gitsourcectl.HookPath, &gitsourcectl.HookHandler{Client: mgr.GetClient(), Token: token, Triggers: triggers,
		Log: log.WithName("git-hook")})
	return mux, nil
}

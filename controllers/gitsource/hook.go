package gitsource

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// HookPath is where the push hook is served.
const HookPath = "/hooks/git"

// HookHandler is the push hook: a POST with the right bearer token reconciles GitSources at once instead of at their
// next interval: the one named by ?source=namespace/name, or those whose URL is ?url=..., or all.
type HookHandler struct {
	Client client.Reader
	// Token is the shared secret the git server sends as "Authorization: Bearer <token>".
	Token    []byte
	Triggers chan<- event.GenericEvent
	Log      logr.Logger
}

func (h *HookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "only POST", http.StatusMethodNotAllowed)
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || len(h.Token) == 0 || subtle.ConstantTimeCompare([]byte(token), h.Token) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var list v1alpha1.GitSourceList
	if err := h.Client.List(r.Context(), &list); err != nil {
		http.Error(w, "listing GitSources: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	n := 0
	for i := range list.Items {
		src := &list.Items[i]
		if !selected(src, r.URL.Query().Get("source"), r.URL.Query().Get("url")) {
			continue
		}
		obj := &v1alpha1.GitSource{ObjectMeta: metav1.ObjectMeta{Namespace: src.Namespace, Name: src.Name}}
		select {
		case h.Triggers <- event.GenericEvent{Object: obj}:
			n++
		case <-r.Context().Done():
			http.Error(w, "timed out queueing", http.StatusServiceUnavailable)
			return
		}
	}
	h.Log.Info("push hook", "sources", n, "remote", r.RemoteAddr)
	w.WriteHeader(http.StatusAccepted)
	_, _ = fmt.Fprintf(w, "%d source(s) queued\n", n)
}

func selected(src *v1alpha1.GitSource, name, url string) bool {
	switch {
	case name != "":
		return src.Namespace+"/"+src.Name == name
	case url != "":
		return strings.TrimSuffix(src.Spec.URL, ".git") == strings.TrimSuffix(url, ".git")
	}
	return true
}

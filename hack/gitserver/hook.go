package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// receivePack is the last path segment of the request that carries a push (git's smart HTTP protocol).
const receivePack = "/git-receive-pack"

// HookOptions say where and how pushes are announced.
type HookOptions struct {
	// URL is POSTed to after every push, with ?url=<repository URL>.
	URL string
	// TokenFile holds the bearer token sent with the call.
	TokenFile string
	// CAFile holds the PEM certificates that sign the hook's TLS certificate (default: the system's).
	CAFile string
	// Timeout bounds one call.
	Timeout time.Duration
}

// BindFlags binds the options to fs.
func (o *HookOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.URL, "hook-url", o.URL, "push hook: POSTed to after every push, with ?url=<repository URL> "+
		"(bylaw serve's https://HOST:PORT/hooks/git); no URL, no hook")
	fs.StringVar(&o.TokenFile, "hook-token-file", o.TokenFile, "file holding the push hook's bearer token")
	fs.StringVar(&o.CAFile, "hook-ca-file", o.CAFile, "PEM file of the CA certificates the push hook's TLS certificate "+
		"must chain to (default: the system's)")
	fs.DurationVar(&o.Timeout, "hook-timeout", 10*time.Second, "time limit of one push hook call")
}

// pushHook announces pushes; it is stateless between requests.
type pushHook struct {
	url    *url.URL
	token  string
	client *http.Client
	logs   io.Writer
}

// newPushHook reads the token and CA files; nil without a hook URL.
func newPushHook(o HookOptions, logs io.Writer) (*pushHook, error) {
	if o.URL == "" {
		return nil, nil
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--hook-url %q: not an http(s) URL", o.URL)
	}
	h := &pushHook{url: u, logs: logs, client: &http.Client{Timeout: o.Timeout}}
	if o.TokenFile != "" {
		data, err := os.ReadFile(o.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("--hook-token-file: %w", err)
		}
		h.token = strings.TrimSpace(string(data))
	}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("--hook-ca-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--hook-ca-file %s: no PEM certificate", o.CAFile)
		}
		h.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	}
	return h, nil
}

// middleware serves the request, then announces it when it was a push the server answered with 200: once git has
// updated the refs and answered, as a hosting service's push webhook follows a push (the client may have returned
// already). A failed call is logged; the push stands.
func (h *pushHook) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		repo, push := strings.CutSuffix(r.URL.Path, receivePack)
		if r.Method != http.MethodPost || !push || rec.status != http.StatusOK {
			return
		}
		repoURL := "http://" + r.Host + repo
		if err := h.announce(r.Context(), repoURL); err != nil {
			_, _ = fmt.Fprintf(h.logs, "gitserver: push to %s: push hook: %v\n", repoURL, err)
			return
		}
		_, _ = fmt.Fprintf(h.logs, "gitserver: push to %s: push hook called\n", repoURL)
	})
}

// announce POSTs the hook URL with ?url=repoURL and the bearer token; any answer but 2xx is an error.
func (h *pushHook) announce(ctx context.Context, repoURL string) error {
	u := *h.url
	q := u.Query()
	q.Set("url", repoURL)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), http.NoBody)
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("calling %s: %w", h.url.Redacted(), err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s: %s", h.url.Redacted(), resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// statusRecorder remembers the status code; it flushes, as gitkit needs.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Flush flushes the underlying writer.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

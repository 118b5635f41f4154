package http

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Name is the variable the library declares.
const Name = "http"

// Type is the CEL type of the `http` variable.
var Type = cel.OpaqueType("http.Context")

// ErrNamespaced is the compilation error of a namespaced policy's expression that uses `http`.
var ErrNamespaced = errors.New("http is not available to namespaced policies")

// Request is one call: the URL, headers, the JSON body of a POST (decoded JSON values) and the PEM CA bundle that
// Client set ("" for the system roots).
type Request struct {
	URL      string
	Headers  map[string]string
	Body     any
	CABundle string
}

// Client performs calls and returns the decoded JSON answer; a status outside 2xx is an error.
type Client interface {
	HTTPGet(ctx context.Context, r Request) (any, error)
	HTTPPost(ctx context.Context, r Request) (any, error)
}

// Hosts are the hosts policies may call: "host", "host:port" or "*.domain".
type Hosts []string

// Check returns an error unless rawURL is an http or https URL whose host an entry matches.
func (h Hosts) Check(rawURL string) error {
	if len(h) == 0 {
		return errors.New("http is not enabled: the administrator allows no host for CEL policies")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("invalid URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("URL %q: the scheme must be http or https", rawURL)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if host == "" {
		return fmt.Errorf("URL %q has no host", rawURL)
	}
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	for _, entry := range h {
		if hostMatches(strings.ToLower(strings.TrimSpace(entry)), host, port) {
			return nil
		}
	}
	return fmt.Errorf("host %q is not among the hosts CEL policies may call", u.Host)
}

func hostMatches(entry, host, port string) bool {
	entryHost, entryPort, err := net.SplitHostPort(entry)
	if err != nil {
		entryHost, entryPort = strings.Trim(entry, "[]"), ""
	}
	if entryPort != "" && entryPort != port {
		return false
	}
	if domain, ok := strings.CutPrefix(entryHost, "*."); ok {
		return strings.HasSuffix(host, "."+domain)
	}
	return entryHost == host
}

// value is the `http` variable of one evaluation, or a value Client returned.
type value struct {
	lib.Receiver
	ctx      context.Context
	client   Client
	hosts    Hosts
	caBundle string
}

// Value is the `http` variable for one evaluation: c serves the calls (nil makes every call fail with
// lib.ErrUnbound), with ctx, to the hosts allowed.
func Value(ctx context.Context, c Client, hosts Hosts) ref.Val {
	return value{Receiver: lib.Receiver{T: Type}, ctx: ctx, client: c, hosts: hosts}
}

// Value implements ref.Val.
func (v value) Value() any { return v }

func (v value) do(post bool, r Request) (any, error) {
	if v.client == nil {
		return nil, lib.ErrUnbound
	}
	if err := v.hosts.Check(r.URL); err != nil {
		return nil, err
	}
	r.CABundle = v.caBundle
	if post {
		return v.client.HTTPPost(v.ctx, r)
	}
	return v.client.HTTPGet(v.ctx, r)
}

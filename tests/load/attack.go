package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"k8s.io/client-go/rest"
)

// requestTimeout bounds one request: the webhook timeout of the policies under load.
const requestTimeout = 10 * time.Second

// attack is one fixed-rate run: vegeta's attacker is open loop (it starts requests on schedule, with as many workers
// as needed, so slow answers do not lower the rate).
type attack struct {
	attacker *vegeta.Attacker
	url      string
	bodies   [][]byte
	rate     int
	duration time.Duration
	// check returns "" for an expected answer, else why it counts as an error; verdict is what the answer said.
	check func(r *vegeta.Result) (verdict, problem string)
}

// run sends rate requests per second for duration, cycling through the bodies, and summarises the answers once the
// attack is over (so that checking them does not compete with the requests for CPU).
func (a *attack) run(s *Summary) {
	var next atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		i := (next.Add(1) - 1) % uint64(len(a.bodies))
		*t = vegeta.Target{Method: http.MethodPost, URL: a.url, Body: a.bodies[i],
			Header: http.Header{"Content-Type": []string{"application/json"}}}
		return nil
	}
	start := time.Now()
	var results []*vegeta.Result
	for r := range a.attacker.Attack(targeter, vegeta.Rate{Freq: a.rate, Per: time.Second}, a.duration, s.Scenario) {
		results = append(results, r)
	}
	s.Rate, s.Seconds = a.rate, time.Since(start).Seconds()
	s.Statuses, s.Verdicts = map[int]int{}, map[string]int{}
	latencies := make([]time.Duration, 0, len(results))
	for _, r := range results {
		latencies = append(latencies, r.Latency)
		s.Statuses[int(r.Code)]++
		verdict, problem := a.check(r)
		if problem != "" {
			s.addError(problem)
			continue
		}
		s.Verdicts[verdict]++
	}
	summarize(s, latencies)
}

// webhookAttacker is the load client of the webhook mode: TLS trusting Bylaw's CA, HTTP/1.1 keep-alive connections
// (as many as the open loop needs), or HTTP/2 when asked.
func webhookAttacker(tlsConfig *tls.Config, http2 bool) *vegeta.Attacker {
	return vegeta.NewAttacker(vegeta.TLSConfig(tlsConfig), vegeta.KeepAlive(true), vegeta.HTTP2(http2),
		vegeta.Timeout(requestTimeout))
}

// webhookCheck accepts an answer with status 200 that decodes and carries the verdict expected for its Pod.
func webhookCheck(expected map[string]string) func(r *vegeta.Result) (string, string) {
	return func(r *vegeta.Result) (string, string) {
		if r.Code == 0 {
			return "", "transport: " + r.Error
		}
		if r.Code != http.StatusOK {
			return "", fmt.Sprintf("HTTP %d: %s", r.Code, snippet(r.Body))
		}
		a, err := readAnswer(r.Body)
		if err != nil {
			return "", err.Error()
		}
		if want, ok := expected[a.UID]; !ok || want != a.Verdict {
			return "", fmt.Sprintf("pod %s: verdict %s under load, %q alone: %s", a.UID, a.Verdict, want, a.Message)
		}
		return a.Verdict, ""
	}
}

// expectedVerdicts sends every review once, one after the other, and returns each Pod's verdict by review UID: the
// answer under load must be the same.
func expectedVerdicts(ctx context.Context, tlsConfig *tls.Config, url string, reviews [][]byte) (map[string]string, error) {
	c := &http.Client{Timeout: requestTimeout, Transport: &http.Transport{TLSClientConfig: tlsConfig}}
	defer c.CloseIdleConnections()
	out := map[string]string{}
	for i, body := range reviews {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("review %d: %w", i, err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			return nil, fmt.Errorf("review %d to %s: %w", i, url, err)
		}
		data, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("review %d to %s: HTTP %d: %v %s", i, url, resp.StatusCode, err, snippet(data))
		}
		a, err := readAnswer(data)
		if err != nil {
			return nil, fmt.Errorf("review %d: %w", i, err)
		}
		out[a.UID] = a.Verdict
	}
	return out, nil
}

// apiserverAttacker is the load client of the apiserver mode: client-go's transport for cfg (TLS, client
// certificate, HTTP/2), without client-go's rate limiter.
func apiserverAttacker(cfg *rest.Config) (*vegeta.Attacker, error) {
	c, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("HTTP client of the API server: %w", err)
	}
	c.Timeout = 3 * requestTimeout
	return vegeta.NewAttacker(vegeta.Client(c)), nil
}

// apiserverCheck accepts 201 (admitted; dryRun=All stores nothing) and 403 (denied by admission).
func apiserverCheck(r *vegeta.Result) (string, string) {
	switch {
	case r.Error != "" && r.Code == 0:
		return "", "transport: " + r.Error
	case r.Code == http.StatusCreated:
		return verdictAllowed, ""
	case r.Code == http.StatusForbidden:
		return verdictDenied, ""
	}
	return "", fmt.Sprintf("HTTP %d: %s", r.Code, snippet(r.Body))
}

// snippet is the start of a body, for error messages.
func snippet(b []byte) string {
	const n = 300
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/tests/controlplane"
	"github.com/bylaw-dev/bylaw/webhook/certs"
)

// certSecret is the Secret `bylaw serve` keeps its CA and serving certificate in (its --cert-secret default).
const certSecret = "bylaw-webhook-tls"

// bylawProcess is one running `bylaw serve`.
type bylawProcess struct {
	cmd        *exec.Cmd
	done       chan error
	webhookURL string
}

// startBylaw starts `bylaw serve` on loopback ports against the cluster and waits until /readyz answers 200.
// Its log goes to logs.
func startBylaw(bin string, c *cluster, dir string, logs io.Writer) (*bylawProcess, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	p := &bylawProcess{done: make(chan error, 1), webhookURL: "https://127.0.0.1:" + strconv.Itoa(ports[0])}
	p.cmd = exec.Command(bin, "serve", "--kubeconfig", c.kubeconfig, "--namespace", controlplane.BylawNamespace,
		"--webhook-url", p.webhookURL, "--webhook-host", "127.0.0.1", "--webhook-port", strconv.Itoa(ports[0]),
		"--health-probe-bind-address", "127.0.0.1:"+strconv.Itoa(ports[1]), "--metrics-bind-address", "0",
		"--git-cache-dir", dir+"/git", "--background-scan=false", "--log-format", "json")
	p.cmd.Stdout, p.cmd.Stderr = logs, logs
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s serve: %w", bin, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	if err := waitReady("http://127.0.0.1:"+strconv.Itoa(ports[1])+"/readyz", p.done, 60*time.Second); err != nil {
		_ = p.cmd.Process.Kill()
		return nil, err
	}
	return p, nil
}

// stop sends SIGTERM and waits for the exit (SIGKILL after 30 s).
func (p *bylawProcess) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("stopping bylaw serve: %w", err)
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		return errors.New("bylaw serve did not exit 30 s after SIGTERM")
	}
}

// peakRSSMB returns the process's peak resident set size (VmHWM of /proc/PID/status) in MB (2^20 bytes).
func (p *bylawProcess) peakRSSMB() (int, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("reading the peak RSS of bylaw serve (did it exit during the attack? see its log): %w", err)
	}
	defer f.Close()
	return vmHWM(f)
}

// vmHWM reads the VmHWM line of a /proc/PID/status file and returns it in MB, rounded to the nearest.
func vmHWM(r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
		if err != nil {
			return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
		}
		return (kb + 512) / 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reading VmHWM: %w", err)
	}
	return 0, errors.New("no VmHWM line")
}

// waitReady polls url until it answers 200, the process exits, or timeout passes.
func waitReady(url string, exited <-chan error, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("bylaw serve exited before it was ready: %v", err)
		default:
		}
		if resp, err := http.Get(url); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("bylaw serve not ready at %s after %s", url, timeout)
}

func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// webhookCalls returns nil when a validating or mutating webhook configuration calls a URL ending in path.
func (c *cluster) webhookCalls(ctx context.Context, path string) error {
	var urls []string
	var v admissionregistrationv1.ValidatingWebhookConfigurationList
	if err := c.client.List(ctx, &v); err != nil {
		return fmt.Errorf("listing validating webhook configurations: %w", err)
	}
	for _, cfg := range v.Items {
		for _, w := range cfg.Webhooks {
			urls = append(urls, ptrString(w.ClientConfig.URL))
		}
	}
	var m admissionregistrationv1.MutatingWebhookConfigurationList
	if err := c.client.List(ctx, &m); err != nil {
		return fmt.Errorf("listing mutating webhook configurations: %w", err)
	}
	for _, cfg := range m.Items {
		for _, w := range cfg.Webhooks {
			urls = append(urls, ptrString(w.ClientConfig.URL))
		}
	}
	for _, u := range urls {
		if strings.HasSuffix(u, path) {
			return nil
		}
	}
	return fmt.Errorf("no webhook calls %s (webhooks: %v)", path, urls)
}

func ptrString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// caPool returns the CA bundle of Bylaw's certificate Secret, which the webhook mode's client trusts.
func (c *cluster) caPool(ctx context.Context) (*x509.CertPool, error) {
	var s corev1.Secret
	key := client.ObjectKey{Namespace: controlplane.BylawNamespace, Name: certSecret}
	if err := c.client.Get(ctx, key, &s); err != nil {
		return nil, fmt.Errorf("reading Secret %s: %w", key, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.Data[certs.KeyCACert]) {
		return nil, fmt.Errorf("secret %s: no PEM certificate in %s", key, certs.KeyCACert)
	}
	return pool, nil
}

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// replica is one running `bylaw serve` process.
type replica struct {
	cmd                               *exec.Cmd
	done                              chan error
	webhookURL, healthURL, metricsURL string
	// ports are the webhook, health and metrics ports.
	ports []int
	// front is what the API server calls (webhookURL): a forwarder to the webhook port that a test can cut.
	front *front
}

// Monitor settings of every replica: short, so that a test sees an outage within seconds.
const (
	monitorInterval = 1 * time.Second
	monitorTimeout  = 5 * time.Second
)

// replicaName is the --replica-name of the replica on a webhook port; its monitor Lease is
// bylaw-webhook-monitor-<replicaName>.
func replicaName(webhookPort int) string { return "e2e-" + strconv.Itoa(webhookPort) }

// startReplica starts `bylaw serve` on 127.0.0.1 ports (webhook, health, metrics), with the extra flags given, and
// waits until it is ready. Every replica shares the suite's kubeconfig, namespace and leader election Lease; each has
// its own git cache.
func startReplica(ports []int, logs io.Writer, extra ...string) (*replica, error) {
	fr, err := env.fronts.get(ports[0])
	if err != nil {
		return nil, err
	}
	r := &replica{done: make(chan error, 1), ports: ports, front: fr, webhookURL: fr.url(),
		healthURL:  "http://127.0.0.1:" + strconv.Itoa(ports[1]),
		metricsURL: "https://127.0.0.1:" + strconv.Itoa(ports[2]),
	}
	gitCache := filepath.Join(env.dir, "git-"+strconv.Itoa(ports[0]))
	r.cmd = exec.Command(env.bin, "serve", "--git-hook-token-file", env.tokenFile, "--git-cache-dir", gitCache,
		"--kubeconfig", env.kubeconfig, "--namespace", bylawNamespace,
		"--webhook-url", r.webhookURL, "--webhook-host", "127.0.0.1", "--webhook-port", strconv.Itoa(ports[0]),
		"--health-probe-bind-address", "127.0.0.1:"+strconv.Itoa(ports[1]),
		"--metrics-bind-address", "127.0.0.1:"+strconv.Itoa(ports[2]),
		"--cert-validity", certValidity, "--webhook-resync-interval", "10s", "--log-format", "console", "--log-level", "debug",
		"--webhook-monitor-interval", monitorInterval.String(), "--webhook-monitor-timeout", monitorTimeout.String(),
		"--replica-name", replicaName(ports[0]))
	r.cmd.Args = append(r.cmd.Args, extra...)
	r.cmd.Stdout, r.cmd.Stderr = logs, logs
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting bylaw serve: %w", err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	if err := waitReady(r.healthURL+"/readyz", r.done, 60*time.Second); err != nil {
		_ = r.cmd.Process.Kill()
		return nil, fmt.Errorf("%w\n%s", err, tail(env.logs.String(), 12000))
	}
	return r, nil
}

// exited reports whether the process has ended (a replica that loses its Lease exits, as controller-runtime does).
func (r *replica) exited() bool {
	select {
	case err := <-r.done:
		r.done <- err // keep it for stop
		return true
	default:
		return false
	}
}

// stop sends sig (SIGTERM: graceful, the Lease is released; SIGKILL: a crash) and waits for the exit.
func (r *replica) stop(sig syscall.Signal) error {
	if r.exited() {
		return fmt.Errorf("exited before %s: %v", sig, <-r.done)
	}
	if err := r.cmd.Process.Signal(sig); err != nil {
		return err
	}
	select {
	case err := <-r.done:
		if sig == syscall.SIGKILL {
			return nil
		}
		return err
	case <-time.After(30 * time.Second):
		_ = r.cmd.Process.Kill()
		return fmt.Errorf("no exit 30 s after %s", sig)
	}
}

// syncBuffer is a bytes.Buffer that replicas write to and tests read from at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

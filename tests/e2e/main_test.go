package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/bylaw-dev/bylaw/server"
)

// suite is the shared control plane and the running `bylaw serve`.
type suite struct {
	cfg        *rest.Config
	client     client.Client
	webhookURL string
	healthURL  string
	metricsURL string
	hookToken  string
	logs       *bytes.Buffer
}

var env suite

const bylawNamespace = "bylaw-system"

// certValidity is short so that the serving certificate rotates while the suite runs: certificates are backdated
// five minutes for clock skew, so a 3-minute one is renewed 20 s after it is issued (when a third of its life is left).
const certValidity = "3m"

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		fmt.Fprintln(os.Stderr, "e2e: KUBEBUILDER_ASSETS is not set: run `make e2e`, or hack/control-plane.sh and export "+
			"KUBEBUILDER_ASSETS to the folder it prints")
		return 1
	}
	root := repoRoot()
	testEnv := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "manifests", "crds")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := testEnv.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: starting the control plane from %s: %v\n", assets, err)
		return 1
	}
	defer stop(testEnv)
	stopServe, err := startServe(testEnv, cfg, root)
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	code := m.Run()
	if err := stopServe(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: bylaw serve did not stop cleanly: %v\n", err)
		code = 1
	}
	if code != 0 {
		fmt.Fprintf(os.Stderr, "---- bylaw serve log ----\n%s\n", tail(env.logs.String(), 12000))
	}
	return code
}

func stop(testEnv *envtest.Environment) {
	if err := testEnv.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: stopping the control plane: %v\n", err)
	}
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// startServe builds bylaw, writes a kubeconfig and starts `bylaw serve` against the control plane.
func startServe(testEnv *envtest.Environment, cfg *rest.Config, root string) (func() error, error) {
	scheme, err := server.NewScheme()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	ctx := context.Background()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: bylawNamespace}}); err != nil {
		return nil, fmt.Errorf("creating %s: %w", bylawNamespace, err)
	}
	dir, err := os.MkdirTemp("", "bylaw-e2e")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "bylaw")
	build := exec.Command("go", "build", "-o", bin, "./cmd/bylaw")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building bylaw: %v\n%s", err, out)
	}
	user, err := testEnv.AddUser(envtest.User{Name: "bylaw", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return nil, fmt.Errorf("adding a user: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return nil, err
	}
	kcPath := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kcPath, kubeconfig, 0o600); err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	env = suite{cfg: cfg, client: c, logs: &bytes.Buffer{},
		webhookURL: "https://127.0.0.1:" + strconv.Itoa(ports[0]),
		healthURL:  "http://127.0.0.1:" + strconv.Itoa(ports[1]),
		metricsURL: "http://127.0.0.1:" + strconv.Itoa(ports[2]),
	}
	env.hookToken = "e2e-hook-token-0123456789"
	tokenFile := filepath.Join(dir, "hook-token")
	if err := os.WriteFile(tokenFile, []byte(env.hookToken+"\n"), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--git-hook-token-file", tokenFile, "--git-cache-dir", filepath.Join(dir, "git"), "--kubeconfig", kcPath, "--namespace", bylawNamespace,
		"--webhook-url", env.webhookURL, "--webhook-host", "127.0.0.1", "--webhook-port", strconv.Itoa(ports[0]),
		"--health-probe-bind-address", "127.0.0.1:"+strconv.Itoa(ports[1]),
		"--metrics-bind-address", "127.0.0.1:"+strconv.Itoa(ports[2]),
		"--cert-validity", certValidity, "--webhook-resync-interval", "10s", "--log-format", "console", "--log-level", "debug")
	cmd.Stdout, cmd.Stderr = env.logs, env.logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting bylaw serve: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if err := waitReady(env.healthURL+"/readyz", done, 60*time.Second); err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("%w\n%s", err, env.logs.String())
	}
	return func() error {
		defer os.RemoveAll(dir)
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			return err
		}
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			return fmt.Errorf("no exit 30 s after SIGTERM")
		}
	}, nil
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

package e2e

import (
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
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

// suite is the shared control plane and the running `bylaw serve`.
type suite struct {
	testEnv    *envtest.Environment
	cfg        *rest.Config
	client     client.Client
	webhookURL string
	healthURL  string
	metricsURL string
	hookToken  string
	// scraperToken and strangerToken are tokens of ServiceAccounts with and without bylaw-metrics-reader.
	scraperToken, strangerToken string
	logs                        *syncBuffer
	// primary is the replica the suite started; fault tests replace it.
	primary *replica
	// bin, dir, kubeconfig and tokenFile are what a replica is started with.
	bin, dir, kubeconfig, tokenFile string
	// fronts are the forwarders the API server calls the replicas through (front_test.go).
	fronts *fronts
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
	certDir, err := os.MkdirTemp("", "bylaw-e2e-apiserver")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(certDir)
	testEnv := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths: []string{filepath.Join(root, "manifests", "crds"), filepath.Join(root, "manifests", "crds", "wgpolicyk8s"),
			filepath.Join(root, "manifests", "crds", "openreports")},
		ErrorIfCRDPathMissing: true,
	}
	// A certificate folder of our own survives a stop of the API server, so that a fault test can restart it with
	// the same serving certificate, port and client CA (envtest keeps its authenticator between starts).
	testEnv.ControlPlane.APIServer = &envtest.APIServer{CertDir: certDir}
	cfg, err := testEnv.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: starting the control plane from %s: %v\n", assets, err)
		return 1
	}
	defer stop(testEnv)
	if err := setUp(testEnv, cfg, root); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(env.dir)
	code := m.Run()
	if err := env.primary.stop(syscall.SIGTERM); err != nil {
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

// setUp builds bylaw, writes a kubeconfig and starts the primary `bylaw serve` against the control plane.
func setUp(testEnv *envtest.Environment, cfg *rest.Config, root string) error {
	scheme, err := server.NewScheme()
	if err != nil {
		return err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	ctx := context.Background()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: bylawNamespace}}); err != nil {
		return fmt.Errorf("creating %s: %w", bylawNamespace, err)
	}
	// The ServiceAccount bylaw-context and its rights: apiCall context entries impersonate it.
	if err := controlplane.InstallRBAC(ctx, c); err != nil {
		return fmt.Errorf("installing the RBAC manifests: %w", err)
	}
	dir, err := os.MkdirTemp("", "bylaw-e2e")
	if err != nil {
		return err
	}
	env = suite{testEnv: testEnv, cfg: cfg, client: c, logs: &syncBuffer{}, dir: dir, bin: filepath.Join(dir, "bylaw"),
		fronts:     &fronts{},
		kubeconfig: filepath.Join(dir, "kubeconfig"), tokenFile: filepath.Join(dir, "hook-token"),
		hookToken: "e2e-hook-token-0123456789"}
	build := exec.Command("go", "build", "-o", env.bin, "./cmd/bylaw")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building bylaw: %v\n%s", err, out)
	}
	user, err := testEnv.AddUser(envtest.User{Name: "bylaw", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("adding a user: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return err
	}
	if err := os.WriteFile(env.kubeconfig, kubeconfig, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(env.tokenFile, []byte(env.hookToken+"\n"), 0o600); err != nil {
		return err
	}
	if env.scraperToken, env.strangerToken, err = metricsTokens(ctx, c, root); err != nil {
		return err
	}
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	if env.primary, err = startReplica(ports, env.logs); err != nil {
		return err
	}
	env.webhookURL, env.healthURL, env.metricsURL = env.primary.webhookURL, env.primary.healthURL, env.primary.metricsURL
	return nil
}

// freePorts returns n free loopback ports below Linux's ephemeral range (32768-60999), so that no outgoing
// connection takes one of them as its local port while a replica is down: a replica restarted on its ports after a
// crash would otherwise find one in use.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	const low, high = 20000, 32767
	start := low + int(time.Now().UnixNano()%int64(high-low))
	for i := 0; i < high-low && len(ports) < n; i++ {
		port := low + (start-low+i)%(high-low)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		ls = append(ls, l)
		ports = append(ports, port)
	}
	if len(ports) < n {
		return nil, fmt.Errorf("only %d free loopback ports in %d-%d", len(ports), low, high)
	}
	return ports, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

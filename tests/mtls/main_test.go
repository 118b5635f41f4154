package mtls

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/bylaw-dev/bylaw/server"
)

// suite is the control plane, configured to present a client certificate to the webhook, and `bylaw serve` in this
// process requiring one.
type suite struct {
	client     client.Client
	dir        string
	webhookURL string
	// clientCA signs the API server's client certificate (apiserver); caFile is --client-ca-file.
	clientCA  *authority
	apiserver *leaf
	caFile    string
}

var env suite

const (
	bylawNamespace = "bylaw-system"
	// apiserverName is the common name of the API server's client certificate, the one --client-cert-names allows.
	apiserverName = "bylaw-apiserver-client"
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		fmt.Fprintln(os.Stderr, "mtls: KUBEBUILDER_ASSETS is not set: run `make unit`, or hack/control-plane.sh and export "+
			"KUBEBUILDER_ASSETS to the folder it prints")
		return 1
	}
	dir, err := os.MkdirTemp("", "bylaw-mtls")
	if err != nil {
		fmt.Fprintf(os.Stderr, "mtls: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	env.dir = dir
	// The webhook port goes into the API server's kubeconfig, so it is chosen before the control plane starts, and
	// held until then so that the control plane cannot take it; the health port is chosen after.
	hold, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "mtls: %v\n", err)
		return 1
	}
	ports := []int{hold.Addr().(*net.TCPAddr).Port}
	admissionConfig, err := writeAPIServerFiles(dir, ports[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "mtls: %v\n", err)
		return 1
	}
	testEnv := &envtest.Environment{BinaryAssetsDirectory: assets,
		CRDDirectoryPaths: []string{filepath.Join(repoRoot(), "manifests", "crds")}, ErrorIfCRDPathMissing: true}
	testEnv.ControlPlane.GetAPIServer().Configure().Set("admission-control-config-file", admissionConfig)
	if _, err := testEnv.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "mtls: starting the control plane from %s: %v\n", assets, err)
		return 1
	}
	defer func() { _ = testEnv.Stop() }()
	health, err := freePorts(1)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mtls: %v\n", err)
		return 1
	}
	ports = append(ports, health...)
	_ = hold.Close()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done, err := startBylaw(ctx, testEnv, ports, logs)
	if err != nil {
		cancel()
		fmt.Fprintf(os.Stderr, "mtls: %v\n%s\n", err, logs.String())
		return 1
	}
	code := m.Run()
	cancel()
	if err := <-done; err != nil {
		fmt.Fprintf(os.Stderr, "mtls: bylaw serve: %v\n", err)
		code = 1
	}
	if code != 0 {
		fmt.Fprintf(os.Stderr, "---- bylaw serve log ----\n%s\n", logs.String())
	}
	return code
}

// startBylaw runs `bylaw serve` in this process with --client-ca-file and waits until it is ready.
func startBylaw(ctx context.Context, testEnv *envtest.Environment, ports []int, logs *syncBuffer) (<-chan error, error) {
	scheme, err := server.NewScheme()
	if err != nil {
		return nil, err
	}
	user, err := testEnv.AddUser(envtest.User{Name: "bylaw", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return nil, fmt.Errorf("adding a user: %w", err)
	}
	if env.client, err = client.New(user.Config(), client.Options{Scheme: scheme}); err != nil {
		return nil, err
	}
	if err := env.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: bylawNamespace}}); err != nil {
		return nil, fmt.Errorf("creating %s: %w", bylawNamespace, err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return nil, err
	}
	kubeconfigPath := filepath.Join(env.dir, "bylaw.kubeconfig")
	if err := os.WriteFile(kubeconfigPath, kubeconfig, 0o600); err != nil {
		return nil, err
	}
	env.webhookURL = "https://127.0.0.1:" + strconv.Itoa(ports[0])
	o := server.DefaultOptions()
	o.Kubeconfig, o.Namespace, o.LeaderElect, o.Scan = kubeconfigPath, bylawNamespace, false, false
	o.WebhookURL, o.WebhookHost, o.WebhookPort = env.webhookURL, "127.0.0.1", ports[0]
	o.HealthProbeBindAddress, o.MetricsBindAddress = "127.0.0.1:"+strconv.Itoa(ports[1]), "0"
	o.GitCacheDir = filepath.Join(env.dir, "git")
	o.ClientCAFile, o.ClientCertNames = env.caFile, []string{apiserverName}
	log := funcr.New(func(prefix, args string) { logs.WriteString(prefix + " " + args + "\n") }, funcr.Options{})
	ctrllog.SetLogger(log)
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, o, log) }()
	return done, waitReady("http://127.0.0.1:"+strconv.Itoa(ports[1])+"/readyz", done, 60*time.Second)
}

// waitReady polls url until it answers 200, Run returns, or timeout passes.
func waitReady(url string, done <-chan error, timeout time.Duration) error {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-done:
			return fmt.Errorf("bylaw serve returned before it was ready: %v", err)
		default:
		}
		if resp, err := http.Get(url); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("bylaw serve not ready at %s after %s", url, timeout)
}

func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

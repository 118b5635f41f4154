// Command localcluster starts a local control plane (etcd and kube-apiserver, from hack/control-plane.sh) with
// Bylaw's CRDs installed, writes an admin kubeconfig, and runs until it gets SIGINT or SIGTERM, then stops it.
// `make demo` uses it when no cluster is reachable.
//
//	go run ./hack/localcluster --assets bin/k8s --crds manifests/crds --kubeconfig /tmp/kubeconfig
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

func main() {
	// An own flag set: controller-runtime registers its own --kubeconfig on the global one.
	fs := flag.NewFlagSet("localcluster", flag.ExitOnError)
	assets := fs.String("assets", "bin/k8s", "folder with kube-apiserver and etcd")
	crds := fs.String("crds", "manifests/crds", "folders of CRDs to install, comma-separated")
	kubeconfig := fs.String("kubeconfig", "", "where to write the admin kubeconfig (required)")
	_ = fs.Parse(os.Args[1:]) // ExitOnError: Parse exits on a bad flag
	if err := run(*assets, *crds, *kubeconfig); err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func run(assets, crds, kubeconfig string) error {
	if kubeconfig == "" {
		return fmt.Errorf("--kubeconfig is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &envtest.Environment{BinaryAssetsDirectory: assets, CRDDirectoryPaths: strings.Split(crds, ","), ErrorIfCRDPathMissing: true}
	if _, err := env.Start(); err != nil {
		return fmt.Errorf("starting the control plane: %w", err)
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "localcluster: stopping:", err)
		}
	}()
	user, err := env.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("adding the admin user: %w", err)
	}
	data, err := user.KubeConfig()
	if err != nil {
		return err
	}
	if err := os.WriteFile(kubeconfig, data, 0o600); err != nil {
		return err
	}
	fmt.Println("localcluster: ready; kubeconfig at", kubeconfig)
	<-ctx.Done()
	return nil
}

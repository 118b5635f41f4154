package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/bylaw-dev/bylaw/server"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

// loadNamespace is the namespace of the Pods under load (webhook mode names it in its AdmissionReviews).
const loadNamespace = "load"

// Names of the ConfigMap the context scenario reads.
const (
	registriesConfigMap = "allowed-registries"
	registriesKey       = "registries"
)

// cluster is the control plane of a run: envtest's kube-apiserver and etcd, with Bylaw's CRDs and RBAC.
type cluster struct {
	env        *envtest.Environment
	cfg        *rest.Config
	client     client.Client
	kubeconfig string // a system:masters kubeconfig for `bylaw serve`
}

// startCluster starts the control plane from KUBEBUILDER_ASSETS, installs the CRDs of manifests/crds and the RBAC of
// manifests/rbac, and creates the load namespace, the ServiceAccounts the Pods name and the context ConfigMap.
func startCluster(ctx context.Context, dir string, serviceAccounts []string) (*cluster, error) {
	assets, err := controlplane.Assets()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, CRDDirectoryPaths: controlplane.BylawCRDs(),
		ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting kube-apiserver and etcd from %s: %w", assets, err)
	}
	c := &cluster{env: env, cfg: cfg}
	if err := c.setUp(ctx, dir, serviceAccounts); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

func (c *cluster) setUp(ctx context.Context, dir string, serviceAccounts []string) error {
	scheme, err := server.NewScheme()
	if err != nil {
		return err
	}
	if c.client, err = client.New(c.cfg, client.Options{Scheme: scheme}); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if err := controlplane.InstallRBAC(ctx, c.client); err != nil {
		return fmt.Errorf("installing the RBAC manifests: %w", err)
	}
	user, err := c.env.AddUser(envtest.User{Name: "bylaw", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("adding a user for bylaw serve: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig of bylaw serve: %w", err)
	}
	c.kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(c.kubeconfig, kubeconfig, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", c.kubeconfig, err)
	}
	objs := []client.Object{&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: loadNamespace}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: registriesConfigMap, Namespace: loadNamespace},
			Data: map[string]string{registriesKey: allowedRegistries()}}}
	// The ServiceAccount admission plugin refuses a Pod whose ServiceAccount does not exist; envtest has no controller
	// manager to create even "default".
	for _, sa := range append([]string{"default"}, serviceAccounts...) {
		objs = append(objs, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: loadNamespace}})
	}
	for _, o := range objs {
		if err := c.client.Create(ctx, o); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating %T %s: %w", o, o.GetName(), err)
		}
	}
	return nil
}

// allowedRegistries is the data of the context ConfigMap: the registries the context policy allows, as a JSON list.
func allowedRegistries() string {
	return `["docker.io","ghcr.io","quay.io","registry.k8s.io","gcr.io","mcr.microsoft.com","public.ecr.aws"]`
}

func (c *cluster) stop() {
	if err := c.env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "load: stopping the control plane:", err)
	}
}

// applyPolicies creates the scenario's policies as CRs.
func (c *cluster) applyPolicies(ctx context.Context, s *Scenario) error {
	for _, d := range s.Policies {
		u := clusterObject(d.Object)
		if err := c.client.Create(ctx, u); err != nil {
			return fmt.Errorf("%s: creating %s %s: %w", d.File, u.GetKind(), u.GetName(), err)
		}
	}
	return nil
}

// deletePolicies deletes the scenario's policies and every webhook configuration, so that the next scenario (or
// baseline) starts without Bylaw registered. The control plane is the run's own: no other webhooks exist.
func (c *cluster) deletePolicies(ctx context.Context, s *Scenario) error {
	for _, d := range s.Policies {
		u := clusterObject(d.Object)
		if err := c.client.Delete(ctx, u); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	if err := c.client.DeleteAllOf(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{}); err != nil {
		return fmt.Errorf("deleting the validating webhook configurations: %w", err)
	}
	if err := c.client.DeleteAllOf(ctx, &admissionregistrationv1.MutatingWebhookConfiguration{}); err != nil {
		return fmt.Errorf("deleting the mutating webhook configurations: %w", err)
	}
	return nil
}

// waitRegistered waits until every policy of s has condition Ready=True and a webhook configuration calls path.
func (c *cluster) waitRegistered(ctx context.Context, s *Scenario, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := c.registered(ctx, s)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bylaw not registered for %s after %s: %w", s.Name, timeout, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (c *cluster) registered(ctx context.Context, s *Scenario) error {
	for _, d := range s.Policies {
		u := clusterObject(d.Object)
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(u.GroupVersionKind())
		if err := c.client.Get(ctx, client.ObjectKeyFromObject(u), got); err != nil {
			return fmt.Errorf("reading %s %s: %w", u.GetKind(), u.GetName(), err)
		}
		if !conditionTrue(got, "Ready") {
			return fmt.Errorf("%s %s is not Ready", u.GetKind(), u.GetName())
		}
	}
	return c.webhookCalls(ctx, s.Path)
}

// conditionTrue reports whether the object's status holds condition typ with status True.
func conditionTrue(u *unstructured.Unstructured, typ string) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			return m["status"] == "True"
		}
	}
	return false
}

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// waitReady polls url until it answers 200, the process exits, or timeout passes.
func waitReady(url string, exited <-chan error, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("bylaw serve exited before it was ready: %v", err)
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("bylaw serve not ready at %s after %s", url, timeout)
}

// eventually polls cond every interval until it returns nil or timeout passes; it returns the time it took.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() error) time.Duration {
	t.Helper()
	start := time.Now()
	var last error
	for time.Since(start) < timeout {
		if last = cond(); last == nil {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: not true after %s: %v", what, timeout, last)
	return 0
}

// applyYAML creates or replaces the objects of a YAML document (single document).
func applyYAML(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal([]byte(doc), &u.Object))
	ctx := context.Background()
	// The controller patches status between our read and write: retry on a conflict.
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		existing := &unstructured.Unstructured{}
		existing.SetGroupVersionKind(u.GroupVersionKind())
		err := env.client.Get(ctx, client.ObjectKeyFromObject(u), existing)
		switch {
		case apierrors.IsNotFound(err):
			return env.client.Create(ctx, u)
		case err != nil:
			return err
		}
		u.SetResourceVersion(existing.GetResourceVersion())
		return env.client.Update(ctx, u)
	})
	require.NoError(t, err)
	return u
}

func deleteYAML(t *testing.T, doc string) {
	t.Helper()
	u := &unstructured.Unstructured{}
	require.NoError(t, yaml.Unmarshal([]byte(doc), &u.Object))
	err := env.client.Delete(context.Background(), u)
	if err != nil && !apierrors.IsNotFound(err) {
		require.NoError(t, err)
	}
}

func namespace(t *testing.T, name string) {
	t.Helper()
	err := env.client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		require.NoError(t, err)
	}
}

// pod returns a Pod; privileged sets securityContext.privileged on its container.
func pod(ns, name string, privileged bool, labels map[string]string) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}},
	}
	if privileged {
		yes := true
		p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: &yes}
	}
	return p
}

var dryRunAll = client.DryRunAll

// createDryRun asks the API server to admit p without storing it; the error is the admission answer.
func createDryRun(p *corev1.Pod) error {
	return env.client.Create(context.Background(), p.DeepCopy(), client.DryRunAll)
}

// deniedWith returns nil when err is an admission denial containing every part.
func deniedWith(err error, parts ...string) error {
	if err == nil {
		return errors.New("admitted, want denied")
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			return fmt.Errorf("denied without %q: %v", p, err)
		}
	}
	return nil
}

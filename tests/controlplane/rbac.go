package controlplane

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/manifest"
)

// BylawNamespace is the namespace the repository's RBAC manifests name.
const BylawNamespace = "bylaw-system"

// InstallRBAC creates the ServiceAccounts, roles and bindings of manifests/rbac in this checkout (creating
// BylawNamespace when missing, and leaving objects that already exist), then does what envtest has no controller
// manager for: it fills in the rules of every aggregated ClusterRole from the ClusterRoles its selectors match,
// the built-in ones (system:aggregate-to-view ...) included. Built-in roles are left as they are. c must be an administrator's client.
func InstallRBAC(ctx context.Context, c client.Client) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: BylawNamespace}}
	if err := c.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", BylawNamespace, err)
	}
	dir := filepath.Join(repoRoot(), "manifests", "rbac")
	var k struct {
		Resources []string `json:"resources"`
	}
	if err := readYAML(filepath.Join(dir, "kustomization.yaml"), &k); err != nil {
		return err
	}
	var created []string
	for _, file := range k.Resources {
		names, err := createFile(ctx, c, filepath.Join(dir, file))
		if err != nil {
			return err
		}
		created = append(created, names...)
	}
	return aggregateClusterRoles(ctx, c, created)
}

func readYAML(path string, into any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	return nil
}

// createFile creates every object of a YAML file that does not exist yet; it returns the names of its ClusterRoles.
func createFile(ctx context.Context, c client.Client, path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	docs, err := manifest.Split(data)
	if err != nil {
		return nil, fmt.Errorf("splitting %s: %w", path, err)
	}
	var clusterRoles []string
	for _, doc := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc.Data, &u.Object); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, doc.Line, err)
		}
		if err := c.Create(ctx, u); err != nil && !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("%s:%d: creating %s %s: %w", path, doc.Line, u.GetKind(), u.GetName(), err)
		}
		if u.GetKind() == "ClusterRole" {
			clusterRoles = append(clusterRoles, u.GetName())
		}
	}
	return clusterRoles, nil
}

// aggregateClusterRoles sets the rules of each named ClusterRole that has an aggregation rule to those of the
// ClusterRoles its selectors match, as the controller manager's clusterrole-aggregation controller does.
func aggregateClusterRoles(ctx context.Context, c client.Client, names []string) error {
	var roles rbacv1.ClusterRoleList
	if err := c.List(ctx, &roles); err != nil {
		return fmt.Errorf("listing ClusterRoles: %w", err)
	}
	for i := range roles.Items {
		role := &roles.Items[i]
		if role.AggregationRule == nil || !slices.Contains(names, role.Name) {
			continue
		}
		rules, err := aggregatedRules(role, roles.Items)
		if err != nil {
			return err
		}
		role.Rules = rules
		if err := c.Update(ctx, role); err != nil {
			return fmt.Errorf("aggregating the rules of ClusterRole %s: %w", role.Name, err)
		}
	}
	return nil
}

func aggregatedRules(role *rbacv1.ClusterRole, all []rbacv1.ClusterRole) ([]rbacv1.PolicyRule, error) {
	var rules []rbacv1.PolicyRule
	for _, sel := range role.AggregationRule.ClusterRoleSelectors {
		s, err := metav1.LabelSelectorAsSelector(&sel)
		if err != nil {
			return nil, fmt.Errorf("ClusterRole %s: aggregation selector: %w", role.Name, err)
		}
		for i := range all {
			if all[i].Name != role.Name && s.Matches(labels.Set(all[i].Labels)) {
				rules = append(rules, all[i].Rules...)
			}
		}
	}
	return rules, nil
}

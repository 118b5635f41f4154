package v1alpha1

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// crdDir is where hack/generate.mk writes the CRDs, relative to this package.
var crdDir = filepath.Join("..", "..", "manifests", "crds")

// TestGeneratedCRDs checks the names, scope and printer columns of the
// generated CRDs. The API server's structural-schema validation runs in
// hack/crdcheck (make verify-crds), which keeps its dependencies out of this module.
func TestGeneratedCRDs(t *testing.T) {
	tests := []struct {
		file       string
		kind       string
		scope      apiextv1.ResourceScope
		shortName  string
		wantColumn []string
	}{
		{"bylaw.dev_clusterpolicies.yaml", "ClusterPolicy", apiextv1.ClusterScoped, "bcpol", []string{"Action", "Background", "Ready", "Age"}},
		{"bylaw.dev_policies.yaml", "Policy", apiextv1.NamespaceScoped, "bpol", []string{"Action", "Background", "Ready", "Age"}},
		{"bylaw.dev_policyexceptions.yaml", "PolicyException", apiextv1.NamespaceScoped, "bpolex", []string{"Background", "Ready", "Age"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			crd := readCRD(t, filepath.Join(crdDir, tt.file))
			assert.Equal(t, GroupName, crd.Spec.Group)
			assert.Equal(t, tt.kind, crd.Spec.Names.Kind)
			assert.Equal(t, tt.scope, crd.Spec.Scope)
			assert.Equal(t, []string{tt.shortName}, crd.Spec.Names.ShortNames)
			require.Len(t, crd.Spec.Versions, 1)
			var columns []string
			for _, c := range crd.Spec.Versions[0].AdditionalPrinterColumns {
				columns = append(columns, c.Name)
			}
			assert.Equal(t, tt.wantColumn, columns)
			assert.NotNil(t, crd.Spec.Versions[0].Subresources.Status, "status subresource")
		})
	}
}

// readCRD strictly decodes a CRD manifest.
func readCRD(t *testing.T, path string) *apiextv1.CustomResourceDefinition {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var crd apiextv1.CustomResourceDefinition
	_, err = decodeStrict(data, &crd)
	require.NoError(t, err, "decoding %s", path)
	return &crd
}

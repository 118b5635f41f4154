// Command crdcheck validates CustomResourceDefinition manifests with the
// Kubernetes API server's own CRD validation, which includes the structural
// schema rules, so that a CRD that passes here loads into a real API server.
//
// Usage: go run . FILE.yaml...
//
// It lives in its own module so that the API server's validation code (and
// its CEL dependencies) stays out of Bylaw's module graph.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: crdcheck FILE.yaml...")
		os.Exit(2)
	}
	var failed error
	for _, path := range os.Args[1:] {
		if err := checkFile(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = errors.Join(failed, err)
			continue
		}
		fmt.Println("valid:", path)
	}
	if failed != nil {
		os.Exit(1)
	}
}

// checkFile strictly decodes one CRD manifest and validates it.
func checkFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading CRD: %w", err)
	}
	var crd apiextv1.CustomResourceDefinition
	if err := yaml.UnmarshalStrict(data, &crd); err != nil {
		return fmt.Errorf("%s: decoding CRD: %w", path, err)
	}
	apiextv1.SetObjectDefaults_CustomResourceDefinition(&crd)
	var internal apiextensions.CustomResourceDefinition
	if err := apiextv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(&crd, &internal, nil); err != nil {
		return fmt.Errorf("%s: converting CRD: %w", path, err)
	}
	if errs := crdvalidation.ValidateCustomResourceDefinition(context.Background(), &internal); len(errs) > 0 {
		return fmt.Errorf("%s: invalid CRD: %w", path, errs.ToAggregate())
	}
	return nil
}

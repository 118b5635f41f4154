// Command crdversions adds served versions to generated CRDs whose versions share one schema, as Kyverno serves its
// policies.kyverno.io kinds as v1, v1beta1 and v1alpha1. controller-gen writes one version per Go package; this
// copies the storage version's schema to each extra version (served, not stored; conversion None).
//
//	go run ./hack/crdversions -versions v1beta1,v1alpha1 manifests/crds/policies.kyverno.io_*.yaml
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

func main() {
	versions := flag.String("versions", "", "comma-separated versions to add")
	flag.Parse()
	if *versions == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: crdversions -versions v1beta1,v1alpha1 FILE...")
		os.Exit(2)
	}
	for _, f := range flag.Args() {
		if err := addVersions(f, strings.Split(*versions, ",")); err != nil {
			fmt.Fprintf(os.Stderr, "crdversions: %s: %v\n", f, err)
			os.Exit(1)
		}
	}
}

func addVersions(file string, extra []string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.UnmarshalStrict(data, &crd); err != nil {
		return fmt.Errorf("not a CRD: %w", err)
	}
	i := slices.IndexFunc(crd.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Storage })
	if i < 0 {
		return errors.New("no storage version")
	}
	for _, name := range extra {
		if slices.ContainsFunc(crd.Spec.Versions, func(v apiextensionsv1.CustomResourceDefinitionVersion) bool { return v.Name == name }) {
			continue
		}
		v := *crd.Spec.Versions[i].DeepCopy()
		v.Name, v.Served, v.Storage = name, true, false
		crd.Spec.Versions = append(crd.Spec.Versions, v)
	}
	out, err := marshalSpec(&crd)
	if err != nil {
		return err
	}
	return os.WriteFile(file, append([]byte("---\n"), out...), 0o644)
}

// marshalSpec writes the CRD without its status, as controller-gen does.
func marshalSpec(crd *apiextensionsv1.CustomResourceDefinition) ([]byte, error) {
	doc := struct {
		APIVersion string                                       `json:"apiVersion"`
		Kind       string                                       `json:"kind"`
		Metadata   map[string]any                               `json:"metadata"`
		Spec       apiextensionsv1.CustomResourceDefinitionSpec `json:"spec"`
	}{"apiextensions.k8s.io/v1", "CustomResourceDefinition",
		map[string]any{"name": crd.Name, "annotations": crd.Annotations}, crd.Spec}
	return yaml.Marshal(doc)
}

package controlplane

import (
	"path/filepath"
	"runtime"
)

// BylawCRDs returns the folders of Bylaw's own CustomResourceDefinitions (group bylaw.dev) in this checkout.
func BylawCRDs() []string { return []string{filepath.Join(repoRoot(), "manifests", "crds")} }

// ReportCRDs returns the folders of the report CustomResourceDefinitions in this checkout: PolicyReports
// (wgpolicyk8s.io) and Reports (openreports.io).
func ReportCRDs() []string {
	return []string{filepath.Join(repoRoot(), "manifests", "crds", "wgpolicyk8s"),
		filepath.Join(repoRoot(), "manifests", "crds", "openreports")}
}

// repoRoot is the root of the checkout, found from this file's place in it.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

package gitsink

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/reports"
)

// File names of a Tree besides <namespace>.yaml.
const (
	// ClusterFile holds the ClusterPolicyReport.
	ClusterFile = "cluster.yaml"
	// SummaryFile is the Markdown overview.
	SummaryFile = "SUMMARY.md"
	// clusterNamespaceFile holds the report of a namespace named "cluster", which cluster.yaml already names.
	// Namespace names have no dot, so no other namespace can collide with it.
	clusterNamespaceFile = "cluster.namespace.yaml"
)

// Tree is the content of the report folder: file name (no folders) to bytes.
type Tree map[string][]byte

// Names returns the file names, sorted.
func (t Tree) Names() []string { return slices.Sorted(maps.Keys(t)) }

// Hash returns the SHA-256 (hex) of the names and contents: equal trees give equal hashes.
func (t Tree) Hash() string {
	h := sha256.New()
	var n [8]byte
	for _, name := range t.Names() {
		for _, part := range [][]byte{[]byte(name), t[name]} {
			binary.BigEndian.PutUint64(n[:], uint64(len(part)))
			h.Write(n[:])
			h.Write(part)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FileOf returns the name of the file holding the report of namespace (reports.ClusterScope for the cluster).
func FileOf(namespace string) string {
	switch namespace {
	case reports.ClusterScope:
		return ClusterFile
	case "cluster":
		return clusterNamespaceFile
	}
	return namespace + ".yaml"
}

// Render returns the tree of reps, which are reports of distinct namespaces (Book.Reports or Book.ReportsOf): one
// YAML file per report and SUMMARY.md. Empty reports are left out. The bytes depend on the reports only.
func Render(reps []reports.Report) (Tree, error) {
	tree := Tree{}
	kept := make([]reports.Report, 0, len(reps))
	for _, rep := range reps {
		if rep.Empty() {
			continue
		}
		name := FileOf(rep.Object.GetNamespace())
		if _, dup := tree[name]; dup {
			return nil, fmt.Errorf("rendering reports: two reports of namespace %q", rep.Object.GetNamespace())
		}
		data, err := yaml.Marshal(rep.Object)
		if err != nil {
			return nil, fmt.Errorf("rendering the report of namespace %q as YAML: %w", rep.Object.GetNamespace(), err)
		}
		tree[name] = data
		kept = append(kept, rep)
	}
	slices.SortFunc(kept, func(a, b reports.Report) int {
		return compareNamespaces(a.Object.GetNamespace(), b.Object.GetNamespace())
	})
	tree[SummaryFile] = summary(kept)
	return tree, nil
}

// compareNamespaces orders the cluster scope first, then namespaces by name.
func compareNamespaces(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == reports.ClusterScope:
		return -1
	case b == reports.ClusterScope:
		return 1
	case a < b:
		return -1
	}
	return 1
}

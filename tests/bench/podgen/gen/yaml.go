package gen

import (
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// WriteYAML writes pods to w as one multi-document YAML stream. Keys are sorted, so the bytes depend only on the
// Pods.
func WriteYAML(w io.Writer, pods []Pod) error {
	for i, p := range pods {
		data, err := yaml.Marshal(p.Object)
		if err != nil {
			return fmt.Errorf("encoding pod %d: %w", i, err)
		}
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return fmt.Errorf("writing separator before pod %d: %w", i, err)
			}
		}
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("writing pod %d: %w", i, err)
		}
	}
	return nil
}

package cel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// TestCELLibrariesDocExamplesCompile compiles the example of every library in docs/cel-libraries.md.
func TestCELLibrariesDocExamplesCompile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "cel-libraries.md"))
	require.NoError(t, err)
	c, err := NewCompiler(WithKyvernoLibraries(), WithHTTPHosts("scanner.example.com"))
	require.NoError(t, err)
	var n int
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) != 3 || !strings.HasPrefix(cells[2], "`") {
			continue
		}
		expr := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(cells[2]), "|"), " ")
		expr = strings.Trim(strings.TrimSpace(expr), "`")
		n++
		_, err := c.Compile(&v1alpha1.CEL{Expressions: []admissionregistrationv1.Validation{{Expression: expr}}})
		require.NoError(t, err, "%s: %s", cells[0], expr)
	}
	require.GreaterOrEqual(t, n, 15)
}

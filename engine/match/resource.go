package match

import "strings"

// ResourceForKind guesses the plural resource name of a kind as Kubernetes names its built-in resources ("Pod":
// "pods", "Ingress": "ingresses", "NetworkPolicy": "networkpolicies", "Endpoints": "endpoints"). It is used where
// no API server says which resource an object is (files given to the CLI); admission requests carry theirs.
func ResourceForKind(kind string) string {
	lower := strings.ToLower(kind)
	switch {
	case lower == "":
		return ""
	case lower == "endpoints" || strings.HasSuffix(lower, "metrics"):
		return lower
	case strings.HasSuffix(lower, "y") && !strings.HasSuffix(lower, "ay") && !strings.HasSuffix(lower, "ey") &&
		!strings.HasSuffix(lower, "oy") && !strings.HasSuffix(lower, "uy"):
		return lower[:len(lower)-1] + "ies"
	case strings.HasSuffix(lower, "s") || strings.HasSuffix(lower, "x") || strings.HasSuffix(lower, "z") ||
		strings.HasSuffix(lower, "ch") || strings.HasSuffix(lower, "sh"):
		return lower + "es"
	}
	return lower + "s"
}

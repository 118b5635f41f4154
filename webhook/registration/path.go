package registration

import (
	"strconv"
	"strings"

	"github.com/bylaw-dev/bylaw/engine"
)

const (
	failurePolicyFail   = "Fail"
	failurePolicyIgnore = "Ignore"
	defaultTimeout      = 10
	maxTimeout          = 30
	verbValidate        = "validate"
	verbMutate          = "mutate"
	// nameSuffix makes webhook names fully qualified, as the API server requires.
	nameSuffix = ".bylaw.dev"
)

// Normalize returns the webhook class w belongs to: failure policy "Ignore" or "Fail" (anything but "Ignore" fails
// closed) and a timeout of 1-30 seconds (10 when out of range). Policies p with Normalize(p.Webhook) equal to the
// class ParsePath returns are the ones served by that path.
func Normalize(w engine.Webhook) engine.Webhook {
	out := engine.Webhook{FailurePolicy: failurePolicyFail, TimeoutSeconds: w.TimeoutSeconds}
	if w.FailurePolicy == failurePolicyIgnore {
		out.FailurePolicy = failurePolicyIgnore
	}
	if out.TimeoutSeconds < 1 || out.TimeoutSeconds > maxTimeout {
		out.TimeoutSeconds = defaultTimeout
	}
	return out
}

// Path returns the URL path of the webhook serving a class: "/validate/fail/10", "/mutate/ignore/5".
func Path(mutating bool, w engine.Webhook) string {
	w = Normalize(w)
	verb := verbValidate
	if mutating {
		verb = verbMutate
	}
	return "/" + verb + "/" + strings.ToLower(w.FailurePolicy) + "/" + strconv.Itoa(int(w.TimeoutSeconds))
}

// ParsePath reads a path written by Path back into its class. ok is false for any other path, including
// non-canonical spellings ("/validate/Fail/10", "/validate/fail/010").
func ParsePath(path string) (mutating bool, w engine.Webhook, ok bool) {
	parts := strings.Split(path, "/")
	if len(parts) != 4 || parts[0] != "" {
		return false, engine.Webhook{}, false
	}
	switch parts[1] {
	case verbValidate:
	case verbMutate:
		mutating = true
	default:
		return false, engine.Webhook{}, false
	}
	switch parts[2] {
	case "fail":
		w.FailurePolicy = failurePolicyFail
	case "ignore":
		w.FailurePolicy = failurePolicyIgnore
	default:
		return false, engine.Webhook{}, false
	}
	t, err := strconv.Atoi(parts[3])
	if err != nil || t < 1 || t > maxTimeout || strconv.Itoa(t) != parts[3] {
		return false, engine.Webhook{}, false
	}
	w.TimeoutSeconds = int32(t)
	return mutating, w, true
}

// webhookName returns the name of the webhook serving a class: "validate-fail-10.bylaw.dev".
func webhookName(mutating bool, w engine.Webhook) string {
	return strings.ReplaceAll(strings.TrimPrefix(Path(mutating, w), "/"), "/", "-") + nameSuffix
}

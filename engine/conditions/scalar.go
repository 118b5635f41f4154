package conditions

import (
	"fmt"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
)

// text renders v as fmt.Sprint does, which is how Kyverno turns set members into text, without reflection for the
// scalar types decoders produce.
func text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case int:
		return strconv.Itoa(t)
	case int32:
		return strconv.FormatInt(int64(t), 10)
	case int64:
		return strconv.FormatInt(t, 10)
	case float32:
		return strconv.FormatFloat(float64(t), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// isTextScalar reports whether Kyverno's set operators accept v as a scalar (it is rendered with [text]).
func isTextScalar(v any) bool {
	switch v.(type) {
	case string, bool, int, int32, int64, float32, float64:
		return true
	default:
		return false
	}
}

// parseDuration parses s as a Go duration. A cheap scan first rejects most strings that cannot be one, so that the
// common case (names, numbers, quantities) does not pay for time.ParseDuration's error allocation.
func parseDuration(s string) (time.Duration, bool) {
	if !mayBeDuration(s) {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

// mayBeDuration is a necessary condition for time.ParseDuration to accept s: an optional sign, then "0" or a number
// followed by at least one unit made of the letters of ns, us, µs, μs, ms, s, m, h.
func mayBeDuration(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "0" {
		return true
	}
	if s == "" || !isNumberByte(s[0]) {
		return false
	}
	unit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isNumberByte(c):
		case isUnitByte(c):
			unit = true
		default:
			return false
		}
	}
	return unit
}

func isNumberByte(c byte) bool { return c == '.' || '0' <= c && c <= '9' }

// isUnitByte reports whether c can appear in a duration unit (the UTF-8 bytes of µ and μ included).
func isUnitByte(c byte) bool {
	switch c {
	case 'n', 'u', 'm', 's', 'h', 0xC2, 0xB5, 0xCE, 0xBC:
		return true
	default:
		return false
	}
}

// seconds converts a number to a duration of that many seconds, truncating fractions as Kyverno does.
func seconds(v any) (time.Duration, bool) {
	switch t := v.(type) {
	case int:
		return time.Duration(t) * time.Second, true
	case int64:
		return time.Duration(t) * time.Second, true
	case float64:
		return time.Duration(t) * time.Second, true
	default:
		return 0, false
	}
}

// durationOperands reads key and value as durations the way Kyverno's parseDuration does: at least one of them must
// be a duration string other than "0"; the other may be a duration string or a number of seconds.
func durationOperands(key, value any) (k, v time.Duration, ok bool) {
	k, kok := durationText(key)
	v, vok := durationText(value)
	if !kok && !vok {
		return 0, 0, false
	}
	if !kok {
		if k, kok = seconds(key); !kok {
			return 0, 0, false
		}
	}
	if !vok {
		if v, vok = seconds(value); !vok {
			return 0, 0, false
		}
	}
	return k, v, true
}

// durationText parses x as a duration when it is a string other than "0" (Kyverno keeps a bare "0" a number).
func durationText(x any) (time.Duration, bool) {
	s, ok := x.(string)
	if !ok || s == "0" {
		return 0, false
	}
	return parseDuration(s)
}

// maxQuantityExponent bounds the decimal exponent of a quantity: comparing 1e100000 already takes milliseconds and
// the cost grows faster than the exponent, so larger ones are not read as quantities (Kyverno would stall on them).
const maxQuantityExponent = 1000

// parseQuantity parses s as a Kubernetes quantity. A cheap scan first rejects text the parser would reject anyway
// (it only accepts signs, digits, '.' and the suffix letters eEinumkKMGTP; note that it reads "m" or "Gi" alone as
// zero, which Kyverno inherits) and quantities whose exponent exceeds maxQuantityExponent.
func parseQuantity(s string) (resource.Quantity, bool) {
	if s == "" {
		return resource.Quantity{}, false
	}
	exponent := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isQuantityByte(c) {
			return resource.Quantity{}, false
		}
		if c == 'e' || c == 'E' {
			exponent = i + 1
		}
	}
	if exponent >= 0 && exponentTooLarge(s[exponent:]) {
		return resource.Quantity{}, false
	}
	q, err := resource.ParseQuantity(s)
	return q, err == nil
}

// exponentTooLarge reports whether s, the text after a quantity's last 'e' or 'E', is a signed integer whose
// magnitude exceeds maxQuantityExponent.
func exponentTooLarge(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		n = n*10 + int(s[i]-'0')
		if n > maxQuantityExponent {
			return true
		}
	}
	return false
}

func isQuantityByte(c byte) bool {
	switch c {
	case '+', '-', 'e', 'E', 'i', 'n', 'u', 'm', 'k', 'K', 'M', 'G', 'T', 'P':
		return true
	default:
		return isNumberByte(c)
	}
}

// numberQuantity reads a JSON number as a quantity, through its text form.
func numberQuantity(v any) (resource.Quantity, bool) {
	switch v.(type) {
	case int, int64, float64:
		return parseQuantity(text(v))
	default:
		return resource.Quantity{}, false
	}
}

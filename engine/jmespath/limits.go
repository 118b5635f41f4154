package jmespath

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmespath-community/go-jmespath/pkg/functions"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Bounds on what one function call may build, so a crafted document or
// expression cannot exhaust memory or stall the caller.
const (
	// maxResultBytes bounds strings built by replace, padding and regex
	// replacement functions.
	maxResultBytes = 16 << 20
	// maxQuantityScale bounds the decimal exponent of quantities used in
	// arithmetic ('1e100000000' would otherwise take minutes to add).
	maxQuantityScale = 1000
	// maxQuantityBits bounds the unscaled digits of such quantities.
	maxQuantityBits = 4096
)

// checkQuantity rejects quantities too large for exact decimal arithmetic.
func checkQuantity(q resource.Quantity) error {
	c := q.DeepCopy()
	dec := c.AsDec()
	if scale := dec.Scale(); scale > maxQuantityScale || scale < -maxQuantityScale {
		return fmt.Errorf("quantity %s is out of range", q.String())
	}
	if dec.UnscaledBig().BitLen() > maxQuantityBits {
		return fmt.Errorf("quantity has more than %d bits", maxQuantityBits)
	}
	return nil
}

// checkReplaceSize fails when replacing count matches in s by replLen bytes
// each would build a string larger than maxResultBytes.
func checkReplaceSize(fn string, s string, count int, replLen int64) error {
	if int64(len(s))+int64(count)*replLen > maxResultBytes {
		return fnErrorf(fn, "result would exceed %d bytes", maxResultBytes)
	}
	return nil
}

// matchCount is how many times strings.Replace would replace old in s.
func matchCount(s, old string, limit int) int {
	n := strings.Count(s, old)
	if old == "" {
		n = utf8.RuneCountInString(s) + 1
	}
	if limit >= 0 && limit < n {
		return limit
	}
	return n
}

// guardBuiltins wraps standard functions whose output size comes from an
// argument (pad_left, pad_right) so the size is checked first.
func guardBuiltins(entries []functions.FunctionEntry) {
	for n, e := range entries {
		if e.Name != "pad_left" && e.Name != "pad_right" {
			continue
		}
		name, handler := e.Name, e.Handler
		entries[n].Handler = func(args []any) (any, error) {
			if len(args) > 1 {
				if width, ok := toFloat(args[1]); ok && width > maxResultBytes {
					return nil, fnErrorf(name, "width %g exceeds %d", width, maxResultBytes)
				}
			}
			return handler(args)
		}
	}
}

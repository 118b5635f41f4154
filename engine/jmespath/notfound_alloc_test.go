package jmespath

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestIsNotFoundDoesNotAllocate checks that telling a missing key from other errors costs no allocation: it runs on
// every path that misses, many times per admission request.
func TestIsNotFoundDoesNotAllocate(t *testing.T) {
	missing := fmt.Errorf("evaluating: %w", NotFoundError{Key: "labels"})
	other := fmt.Errorf("evaluating: %w", errors.New("Zero divisor passed"))
	tests := []struct {
		name string
		err  error
		want bool
	}{{"missing key", missing, true}, {"other error", other, false}, {"no error", nil, false}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, isNotFound(tt.err))
			assert.Zero(t, testing.AllocsPerRun(100, func() { isNotFound(tt.err) }))
		})
	}
}

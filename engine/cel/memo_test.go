package cel

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMemo: values stored from several goroutines, more than the list holds, are all found (run with -race).
func TestMemo(t *testing.T) {
	var m memo[int, int]
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := g; k < 3*maxMemo; k += 4 {
				m.store(k, k*10)
			}
		})
	}
	wg.Wait()
	for k := range 3 * maxMemo {
		v, ok := m.load(k)
		assert.True(t, ok, k)
		assert.Equal(t, k*10, v)
	}
	_, ok := m.load(-1)
	assert.False(t, ok)
}

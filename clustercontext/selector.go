package clustercontext

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/bylaw-dev/bylaw/engine"
)

func metav1LabelSelector(q engine.ResourceQuery) (labels.Selector, error) {
	sel, err := metav1.LabelSelectorAsSelector(q.Selector)
	if err != nil {
		return nil, fmt.Errorf("cloneList selector: %w", err)
	}
	return sel, nil
}

package v1alpha1

import (
	"bytes"
	"errors"
	"fmt"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/json"
)

// ConditionOperator compares a condition key with its value.
// +kubebuilder:validation:Enum=Equals;NotEquals;In;AnyIn;AllIn;NotIn;AnyNotIn;AllNotIn;GreaterThanOrEquals;GreaterThan;LessThanOrEquals;LessThan;DurationGreaterThanOrEquals;DurationGreaterThan;DurationLessThanOrEquals;DurationLessThan
type ConditionOperator string

// Condition operators. Equal and NotEqual are deprecated spellings of Equals
// and NotEquals; In and NotIn are deprecated in favour of the Any/All forms.
const (
	Equals                      ConditionOperator = "Equals"
	NotEquals                   ConditionOperator = "NotEquals"
	Equal                       ConditionOperator = "Equal"
	NotEqual                    ConditionOperator = "NotEqual"
	In                          ConditionOperator = "In"
	AnyIn                       ConditionOperator = "AnyIn"
	AllIn                       ConditionOperator = "AllIn"
	NotIn                       ConditionOperator = "NotIn"
	AnyNotIn                    ConditionOperator = "AnyNotIn"
	AllNotIn                    ConditionOperator = "AllNotIn"
	GreaterThanOrEquals         ConditionOperator = "GreaterThanOrEquals"
	GreaterThan                 ConditionOperator = "GreaterThan"
	LessThanOrEquals            ConditionOperator = "LessThanOrEquals"
	LessThan                    ConditionOperator = "LessThan"
	DurationGreaterThanOrEquals ConditionOperator = "DurationGreaterThanOrEquals"
	DurationGreaterThan         ConditionOperator = "DurationGreaterThan"
	DurationLessThanOrEquals    ConditionOperator = "DurationLessThanOrEquals"
	DurationLessThan            ConditionOperator = "DurationLessThan"
)

// Condition compares a key with a value. Key and value are any JSON values and
// may contain {{ }} variables.
type Condition struct {
	// Key is the left operand.
	// +optional
	Key *apiextv1.JSON `json:"key,omitempty"`

	// Operator compares key and value.
	// +optional
	Operator ConditionOperator `json:"operator,omitempty"`

	// Value is the right operand.
	// +optional
	Value *apiextv1.JSON `json:"value,omitempty"`

	// Message is shown when the condition decides the result.
	// +optional
	Message string `json:"message,omitempty"`
}

// AnyAllConditions pass when at least one condition of Any (if set) and every
// condition of All (if set) pass.
type AnyAllConditions struct {
	// Any passes when at least one of its conditions passes.
	// +optional
	Any []Condition `json:"any,omitempty"`

	// All passes when every one of its conditions passes.
	// +optional
	All []Condition `json:"all,omitempty"`
}

// DecodeConditions decodes a preconditions or deny.conditions value, which is
// either an object with any/all lists or, in the legacy form, a plain list of
// conditions that must all hold (returned as All). It returns nil for a nil or
// null value. Unknown fields are errors.
func DecodeConditions(raw *apiextv1.JSON) (*AnyAllConditions, error) {
	if raw == nil {
		return nil, nil
	}
	data := bytes.TrimSpace(raw.Raw)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return nil, nil
	}
	if data[0] == '[' {
		var list []Condition
		if err := unmarshalStrict(data, &list); err != nil {
			return nil, fmt.Errorf("decoding list of conditions: %w", err)
		}
		return &AnyAllConditions{All: list}, nil
	}
	var conditions AnyAllConditions
	if err := unmarshalStrict(data, &conditions); err != nil {
		return nil, fmt.Errorf("decoding any/all conditions: %w", err)
	}
	return &conditions, nil
}

// unmarshalStrict decodes JSON case-sensitively and fails on unknown or
// duplicate fields.
func unmarshalStrict(data []byte, into any) error {
	strictErrs, err := json.UnmarshalStrict(data, into)
	if err != nil {
		return err
	}
	if len(strictErrs) > 0 {
		return fmt.Errorf("strict decoding: %w", errors.Join(strictErrs...))
	}
	return nil
}

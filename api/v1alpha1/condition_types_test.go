package v1alpha1

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

func TestDecodeConditions(t *testing.T) {
	tests := []struct {
		name    string
		raw     *apiextv1.JSON
		want    *AnyAllConditions
		wantErr string
	}{
		{name: "absent", raw: nil, want: nil},
		{name: "null", raw: &apiextv1.JSON{Raw: []byte(" null ")}, want: nil},
		{name: "empty raw", raw: &apiextv1.JSON{}, want: nil},
		{
			name: "legacy list becomes all",
			raw:  &apiextv1.JSON{Raw: []byte(`[{"key":"a","operator":"Equals","value":1,"message":"m"}]`)},
			want: &AnyAllConditions{All: []Condition{{
				Key: &apiextv1.JSON{Raw: []byte(`"a"`)}, Operator: Equals,
				Value: &apiextv1.JSON{Raw: []byte(`1`)}, Message: "m",
			}}},
		},
		{
			name: "any and all",
			raw:  &apiextv1.JSON{Raw: []byte(`{"any":[{"key":1,"operator":"In","value":[1]}],"all":[]}`)},
			want: &AnyAllConditions{
				Any: []Condition{{Key: &apiextv1.JSON{Raw: []byte(`1`)}, Operator: In, Value: &apiextv1.JSON{Raw: []byte(`[1]`)}}},
				All: []Condition{},
			},
		},
		{name: "empty list", raw: &apiextv1.JSON{Raw: []byte(`[]`)}, want: &AnyAllConditions{All: []Condition{}}},
		{name: "unknown key in object", raw: &apiextv1.JSON{Raw: []byte(`{"none":[]}`)}, wantErr: `unknown field "none"`},
		{name: "unknown key in list item", raw: &apiextv1.JSON{Raw: []byte(`[{"ky":"a"}]`)}, wantErr: "decoding list of conditions"},
		{name: "scalar", raw: &apiextv1.JSON{Raw: []byte(`"a"`)}, wantErr: "decoding any/all conditions"},
		{name: "broken json", raw: &apiextv1.JSON{Raw: []byte(`[{`)}, wantErr: "decoding list of conditions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeConditions(tt.raw)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzDecodeConditions(f *testing.F) {
	f.Add([]byte(`[{"key":"a","operator":"Equals","value":"b"}]`))
	f.Add([]byte(`{"any":[{"key":"{{ x }}","operator":"AnyIn","value":[1,2]}],"all":[]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"all":[{"key":{"a":[1.5,true,null]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeConditions(&apiextv1.JSON{Raw: data})
		if err != nil {
			assert.Nil(t, got)
			return
		}
		if got == nil {
			return
		}
		for _, c := range append(append([]Condition{}, got.Any...), got.All...) {
			if c.Key != nil {
				assert.NotEmpty(t, c.Key.Raw)
			}
		}
	})
}

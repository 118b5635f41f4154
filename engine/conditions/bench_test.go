package conditions

import "testing"

// BenchmarkEvaluate measures the operators policies use most, on values shaped like real requests.
func BenchmarkEvaluate(b *testing.B) {
	cases := []struct {
		name       string
		op         Operator
		key, value any
	}{
		{"Equals/text", Equals, "CREATE", "CREATE"},
		{"Equals/wildcard", Equals, "kube-api-access-x7k2p", "kube-api-access-*"},
		{"Equals/quantity", Equals, "1Gi", "1024Mi"},
		{"AnyIn/scalar", AnyIn, "UPDATE", list("CREATE", "UPDATE")},
		{"AnyIn/lists", AnyIn, list("get", "list", "watch"), list("create", "update", "patch", "watch")},
		{"AnyNotIn/range", AnyNotIn, list(int64(80), int64(5500)), "5000-6000"},
		{"GreaterThan/numbers", GreaterThan, int64(5), 3.0},
		{"GreaterThan/quantities", GreaterThan, "1Gi", "500Mi"},
		{"GreaterThan/durations", GreaterThan, "26280h0m0s", "4380h"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Evaluate(c.op, c.key, c.value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package reports

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/bylaw-dev/bylaw/reports"
)

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Options
		want Options
	}{
		{name: "zero value", want: Options{Interval: DefaultInterval, WriteRate: DefaultWriteRate, WriteBurst: 20,
			Workers: DefaultWorkers, RetryBase: DefaultRetryBase, RetryMax: DefaultRetryMax, PageSize: DefaultPageSize, RestorePageSize: DefaultRestorePageSize, Resync: DefaultResync}},
		{name: "given values stay",
			in: Options{Interval: time.Second, WriteRate: 5, WriteBurst: 2, Workers: 1, RetryBase: time.Second,
				RetryMax: time.Minute, PageSize: 10, RestorePageSize: 3, Resync: time.Hour},
			want: Options{Interval: time.Second, WriteRate: 5, WriteBurst: 2, Workers: 1, RetryBase: time.Second,
				RetryMax: time.Minute, PageSize: 10, RestorePageSize: 3, Resync: time.Hour}},
		{name: "a slow rate still writes one at a time", in: Options{WriteRate: 0.5},
			want: Options{Interval: DefaultInterval, WriteRate: 0.5, WriteBurst: 1, Workers: DefaultWorkers,
				RetryBase: DefaultRetryBase, RetryMax: DefaultRetryMax, PageSize: DefaultPageSize, RestorePageSize: DefaultRestorePageSize, Resync: DefaultResync}},
		{name: "the longest retry is never shorter than the first", in: Options{RetryBase: time.Hour},
			want: Options{Interval: DefaultInterval, WriteRate: DefaultWriteRate, WriteBurst: 20,
				Workers: DefaultWorkers, RetryBase: time.Hour, RetryMax: time.Hour, PageSize: DefaultPageSize, RestorePageSize: DefaultRestorePageSize, Resync: DefaultResync}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.in.withDefaults())
		})
	}
}

func TestReportIdentity(t *testing.T) {
	tests := []struct {
		api             reports.API
		namespace, kind string
		name            string
	}{
		{api: reports.WGPolicy, namespace: "", kind: "ClusterPolicyReport", name: "bylaw-cpolr"},
		{api: reports.WGPolicy, namespace: "shop", kind: "PolicyReport", name: "bylaw-polr"},
		{api: reports.OpenReports, namespace: "", kind: "ClusterReport", name: "bylaw-cpolr"},
		{api: reports.OpenReports, namespace: "shop", kind: "Report", name: "bylaw-polr"},
	}
	for _, tt := range tests {
		t.Run(string(tt.api)+"/"+tt.kind, func(t *testing.T) {
			w := New(nil, reports.NewBook(reports.Options{API: tt.api}), nil, Options{})
			assert.Equal(t, tt.kind, w.kind(tt.namespace))
			assert.Equal(t, tt.name, nameOf(tt.namespace))
		})
	}
}

package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConfineAPIPath(t *testing.T) {
	tests := []struct {
		path   string
		reason string // "" when a Policy in team-a may GET the path
	}{
		{path: "/api/v1/namespaces/team-a"},
		{path: "/api/v1/namespaces/team-a/pods"},
		{path: "/api/v1/namespaces/team-a/pods/"},
		{path: "/api/v1/namespaces/team-a/pods/web/status"},
		{path: "/apis/apps/v1/namespaces/team-a/deployments/web"},
		{path: "/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb&limit=10"},
		{path: "/api/v1/namespaces/team-ab/pods", reason: "the path names namespace team-ab"},
		{path: "/api/v1/namespaces/bylaw-system/secrets/bylaw-webhook-tls", reason: "the path names namespace bylaw-system"},
		{path: "/api/v1/namespaces", reason: "a cluster-wide path"},
		{path: "/api/v1/pods", reason: "a cluster-wide path"},
		{path: "/api/v1/nodes/n1", reason: "a cluster-wide path"},
		{path: "/apis/rbac.authorization.k8s.io/v1/clusterroles", reason: "a cluster-wide path"},
		{path: "/apis/apps/v1/namespaces/team-a", reason: "not an object or collection of a namespace"},
		{path: "/api/v1/watch/namespaces/team-a/pods", reason: "a cluster-wide path"},
		{path: "/api/v1/namespaces/team-a/../bylaw-system/secrets", reason: "empty, . or .. path segment"},
		{path: "/api/v1/namespaces/team-a/./pods", reason: "empty, . or .. path segment"},
		{path: "/api/v1/namespaces/team-a//pods", reason: "empty, . or .. path segment"},
		{path: "/api/v1/namespaces/team-a/%2e%2e/secrets", reason: "not a plain absolute path"},
		{path: `/api/v1/namespaces/team-a/pods\..\..`, reason: "not a plain absolute path"},
		{path: "api/v1/namespaces/team-a/pods", reason: "not a plain absolute path"},
		{path: "https://evil/api/v1/namespaces/team-a/pods", reason: "not a plain absolute path"},
		{path: "/api/v1/namespaces/team-a/pods?watch=true", reason: "query parameter watch is not one of"},
		{path: "/api/v1/namespaces/team-a/pods?limit=1&dryRun=All", reason: "query parameter dryRun is not one of"},
		{path: "/api/v1/namespaces/team-a/pods?a=%zz", reason: "the query does not parse"},
		{path: "", reason: "not a plain absolute path"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			assert.NoError(t, confineCall("", APICall{URLPath: tt.path}), "a ClusterPolicy may call any path")
			err := confineCall("team-a", APICall{Method: "GET", URLPath: tt.path})
			if tt.reason == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.reason)
		})
	}
}

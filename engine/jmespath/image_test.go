package jmespath

import (
	"context"
	"errors"
	"net"
	"testing"
)

func TestImageNormalize(t *testing.T) {
	digest := "sha256:dead07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f"
	runCases(t, testInterpreter(), []fnCase{
		{name: "short name", expr: "image_normalize('nginx')", want: "docker.io/nginx:latest"},
		{name: "tag", expr: "image_normalize('nginx:v10.3')", want: "docker.io/nginx:v10.3"},
		{name: "path", expr: "image_normalize('test/nginx')", want: "docker.io/test/nginx:latest"},
		{name: "registry kept", expr: "image_normalize('docker.io/test/nginx:v10.3')", want: "docker.io/test/nginx:v10.3"},
		{name: "registry with port", expr: "image_normalize('localhost:4443/test/nginx')", want: "localhost:4443/test/nginx:latest"},
		{name: "localhost", expr: "image_normalize('localhost/netd:v0.4.4-gke.0')", want: "localhost/netd:v0.4.4-gke.0"},
		{name: "digest", expr: "image_normalize(@)", data: "test/centos@" + digest, want: "docker.io/test/centos@" + digest},
		{name: "tag and digest", expr: "image_normalize(@)", data: "ghcr.io/a/b:1.0@" + digest, want: "ghcr.io/a/b@" + digest},
		{name: "in regex_replace_all", expr: "regex_replace_all('^docker.io/(.*)$', image_normalize('busybox'), 'harbor.corp.org/$1')",
			want: "harbor.corp.org/busybox:latest"},
		{name: "invalid", expr: "image_normalize('++')", wantErr: "JMESPath function 'image_normalize': bad image: docker.io/++"},
		{name: "upper case repository", expr: "image_normalize('Nginx')", wantErr: "bad image"},
		{name: "type error", expr: "image_normalize(`1`)", wantErr: "invalid type"},
	})
	runCases(t, testInterpreter(WithDefaultRegistry("gcr.io", true)), []fnCase{
		{name: "custom registry", expr: "image_normalize('test/nginx')", want: "gcr.io/test/nginx:latest"},
	})
	runCases(t, testInterpreter(WithDefaultRegistry("gcr.io", false)), []fnCase{
		{name: "no mutation", expr: "image_normalize('test/nginx')", want: "test/nginx:latest"},
		{name: "no mutation keeps given registry", expr: "image_normalize('quay.io/a:1')", want: "quay.io/a:1"},
	})
}

func TestIsExternalURL(t *testing.T) {
	resolver := func(_ context.Context, host string) ([]net.IP, error) {
		switch host {
		case "example.com":
			return []net.IP{net.ParseIP("93.184.216.34")}, nil
		case "internal.svc":
			return []net.IP{net.ParseIP("93.184.216.34"), net.ParseIP("10.0.0.7")}, nil
		}
		return nil, errors.New("no such host")
	}
	runCases(t, testInterpreter(WithResolver(resolver)), []fnCase{
		{name: "public host", expr: "is_external_url('https://example.com/x')", want: true},
		{name: "host with private address", expr: "is_external_url('http://internal.svc:8080')", want: false},
		{name: "loopback ip", expr: "is_external_url('http://127.0.0.1:80/')", want: false},
		{name: "private ip", expr: "is_external_url('http://192.168.1.1')", want: false},
		{name: "public ip", expr: "is_external_url('http://8.8.8.8')", want: true},
		{name: "ipv6 loopback", expr: "is_external_url('http://[::1]:80')", want: false},
		{name: "unresolvable", expr: "is_external_url('http://nowhere.invalid')", wantErr: "JMESPath function 'is_external_url': no such host"},
		{name: "bad url", expr: "is_external_url(':foo')", wantErr: "JMESPath function 'is_external_url'"},
		{name: "type error", expr: "is_external_url(`1`)", wantErr: "invalid type"},
	})
	runCases(t, testInterpreter(), []fnCase{
		{name: "no resolver", expr: "is_external_url('https://example.com')", wantErr: "no resolver configured"},
	})
}

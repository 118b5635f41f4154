package manifests_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestServicesReachContainerPorts(t *testing.T) {
	objects := renderDefault(t)
	template := find[appsv1.Deployment](t, objects, "Deployment", bylawName).Spec.Template
	tests := []struct {
		service       string
		port          int32
		containerPort int32
	}{
		{service: "bylaw-webhook", port: 443, containerPort: 9443},
		{service: "bylaw-metrics", port: 8443, containerPort: 8443},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			svc := find[corev1.Service](t, objects, "Service", tt.service)
			assert.True(t, selects(svc.Spec.Selector, template.Labels), "the selector must select the pods")
			require.Len(t, svc.Spec.Ports, 1)
			port := svc.Spec.Ports[0]
			assert.Equal(t, tt.port, port.Port)
			assert.Equal(t, tt.containerPort, containerPort(t, template.Spec.Containers[0], port.TargetPort))
		})
	}
}

func TestPodDisruptionBudget(t *testing.T) {
	objects := renderDefault(t)
	deployment := find[appsv1.Deployment](t, objects, "Deployment", bylawName)
	pdb := find[policyv1.PodDisruptionBudget](t, objects, "PodDisruptionBudget", bylawName)
	assert.True(t, selects(pdb.Spec.Selector.MatchLabels, deployment.Spec.Template.Labels))
	switch {
	case pdb.Spec.MaxUnavailable != nil:
		assert.Nil(t, pdb.Spec.MinAvailable, "only one of minAvailable and maxUnavailable")
		assert.Equal(t, intstr.FromInt32(1), *pdb.Spec.MaxUnavailable)
	case pdb.Spec.MinAvailable != nil:
		assert.Equal(t, intstr.FromInt32(2), *pdb.Spec.MinAvailable)
		assert.Less(t, int32(2), *deployment.Spec.Replicas, "a drain must be able to evict one pod")
	default:
		assert.Fail(t, "the budget sets neither minAvailable nor maxUnavailable")
	}
}

// ports lists the TCP or UDP port numbers of a NetworkPolicy rule.
func ports(rule []networkingv1.NetworkPolicyPort, protocol corev1.Protocol) []int32 {
	var numbers []int32
	for _, p := range rule {
		if p.Port != nil && p.Protocol != nil && *p.Protocol == protocol {
			numbers = append(numbers, p.Port.IntVal)
		}
	}
	return numbers
}

func TestNetworkPolicyIngress(t *testing.T) {
	objects := renderDefault(t)
	deployment := find[appsv1.Deployment](t, objects, "Deployment", bylawName)
	np := find[networkingv1.NetworkPolicy](t, objects, "NetworkPolicy", bylawName)
	assert.True(t, selects(np.Spec.PodSelector.MatchLabels, deployment.Spec.Template.Labels))
	assert.ElementsMatch(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}, np.Spec.PolicyTypes)
	var open []int32 // ports reachable from anywhere
	var metricsFrom []networkingv1.NetworkPolicyPeer
	for _, rule := range np.Spec.Ingress {
		require.NotEmpty(t, rule.Ports, "an ingress rule without ports opens every port")
		tcp := ports(rule.Ports, corev1.ProtocolTCP)
		require.Len(t, tcp, len(rule.Ports), "only numbered TCP ports")
		if len(rule.From) == 0 {
			open = append(open, tcp...)
			continue
		}
		assert.Equal(t, []int32{8443}, tcp, "only the metrics port is open to selected peers")
		metricsFrom = append(metricsFrom, rule.From...)
	}
	assert.Equal(t, []int32{9443}, open, "only the webhook port is open to anyone")
	require.Len(t, metricsFrom, 1)
	peer := metricsFrom[0]
	assert.Nil(t, peer.IPBlock)
	assert.Nil(t, peer.PodSelector)
	require.NotNil(t, peer.NamespaceSelector)
	assert.Equal(t, map[string]string{"bylaw.dev/scrape-metrics": "true"}, peer.NamespaceSelector.MatchLabels)
}

func TestNetworkPolicyEgress(t *testing.T) {
	np := find[networkingv1.NetworkPolicy](t, renderDefault(t), "NetworkPolicy", bylawName)
	var apiServer, dnsUDP, dnsTCP []int32
	for _, rule := range np.Spec.Egress {
		require.NotEmpty(t, rule.Ports, "an egress rule without ports opens every port")
		if len(rule.To) == 0 {
			apiServer = append(apiServer, ports(rule.Ports, corev1.ProtocolTCP)...)
			assert.Empty(t, ports(rule.Ports, corev1.ProtocolUDP))
			continue
		}
		require.Len(t, rule.To, 1)
		to := rule.To[0]
		require.NotNil(t, to.NamespaceSelector)
		require.NotNil(t, to.PodSelector)
		assert.Equal(t, map[string]string{"kubernetes.io/metadata.name": "kube-system"}, to.NamespaceSelector.MatchLabels)
		assert.Equal(t, map[string]string{"k8s-app": "kube-dns"}, to.PodSelector.MatchLabels)
		dnsUDP = append(dnsUDP, ports(rule.Ports, corev1.ProtocolUDP)...)
		dnsTCP = append(dnsTCP, ports(rule.Ports, corev1.ProtocolTCP)...)
	}
	assert.ElementsMatch(t, []int32{443, 6443}, apiServer)
	assert.Equal(t, []int32{53}, dnsUDP)
	assert.Equal(t, []int32{53}, dnsTCP)
}

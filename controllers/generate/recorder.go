package generate

import (
	"context"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/webhook"
)

// Recorder creates GenerateRequests in Bylaw's namespace: for admitted requests (it is the webhook's
// GenerateRecorder) and for the requests the controller makes itself (Existing, Sync).
type Recorder struct {
	// Client writes GenerateRequests.
	Client client.Client
	// Namespace is Bylaw's namespace, where GenerateRequests live.
	Namespace string
}

var _ webhook.GenerateRecorder = (*Recorder)(nil)

// RecordGenerate records a request for policy p and the trigger of an admitted request.
func (r *Recorder) RecordGenerate(ctx context.Context, p *engine.Policy, ar *admissionv1.AdmissionRequest) error {
	spec, err := specOf(p.Key(), ar)
	if err != nil {
		return err
	}
	return r.Record(ctx, spec)
}

// Record creates a GenerateRequest with spec.
func (r *Recorder) Record(ctx context.Context, spec v1alpha1.GenerateRequestSpec) error {
	gr := &v1alpha1.GenerateRequest{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "gr-", Namespace: r.Namespace, Labels: requestLabels(&spec)},
		Spec:       spec,
	}
	if err := r.Client.Create(ctx, gr); err != nil {
		return fmt.Errorf("creating a GenerateRequest in %s for policy %s, %s %s: %w", r.Namespace, spec.Policy,
			spec.Trigger.Kind, triggerName(spec.Trigger), err)
	}
	return nil
}

// specOf builds the spec of a request from an admission request: the trigger is the object (the old object on
// DELETE), its name and uid read from its metadata, since a generated name is set only after admission began.
func specOf(policyKey string, ar *admissionv1.AdmissionRequest) (v1alpha1.GenerateRequestSpec, error) {
	raw := ar.Object
	if ar.Operation == admissionv1.Delete {
		raw = ar.OldObject
	}
	var meta struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	if len(raw.Raw) > 0 {
		if err := utiljson.Unmarshal(raw.Raw, &meta); err != nil {
			return v1alpha1.GenerateRequestSpec{}, fmt.Errorf("reading the metadata of %s %s: %w", ar.Kind.Kind, ar.Name, err)
		}
	}
	name := meta.Metadata.Name
	if name == "" {
		name = ar.Name
	}
	namespace := ar.Namespace
	if ar.Kind.Group == "" && ar.Kind.Kind == "Namespace" {
		namespace = "" // the API server names a Namespace as the namespace of its own request
	}
	gv := schema.GroupVersion{Group: ar.Kind.Group, Version: ar.Kind.Version}
	return v1alpha1.GenerateRequestSpec{
		Policy:    policyKey,
		Operation: v1alpha1.GenerateOperation(ar.Operation),
		Trigger: v1alpha1.GenerateTrigger{APIVersion: gv.String(), Kind: ar.Kind.Kind, Namespace: namespace,
			Name: name, UID: string(meta.Metadata.UID)},
		UserInfo: v1alpha1.GenerateUserInfo{Username: ar.UserInfo.Username, UID: ar.UserInfo.UID, Groups: ar.UserInfo.Groups},
		Object:   runtime.RawExtension{Raw: raw.Raw},
	}, nil
}

// triggerName is "namespace/name", or "name" for a cluster-scoped trigger.
func triggerName(t v1alpha1.GenerateTrigger) string {
	if t.Namespace == "" {
		return t.Name
	}
	return t.Namespace + "/" + t.Name
}

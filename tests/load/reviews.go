package main

import (
	"encoding/json"
	"fmt"
	"slices"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// Verdicts of an admission answer.
const (
	verdictAllowed = "allowed"
	verdictDenied  = "denied"
	verdictPatched = "patched" // allowed, with a JSON patch
)

// workload is the Pods of a run: generated once (tests/bench/podgen/gen: 1-3 containers, about 75 % with one Pod
// Security violation), placed in the load namespace, and encoded as the bodies both modes send.
type workload struct {
	pods []gen.Pod
	// pods as JSON (apiserver mode) and as AdmissionReview requests (webhook mode), by index.
	podJSON, reviews [][]byte
}

// newWorkload generates n Pods with seed and encodes them.
func newWorkload(n int, seed uint64) (*workload, error) {
	w := &workload{pods: gen.Generate(gen.Options{Count: n, Seed: seed, ViolationRatio: gen.DefaultViolationRatio})}
	for i, p := range w.pods {
		meta, _ := p.Object["metadata"].(map[string]any)
		if meta == nil {
			return nil, fmt.Errorf("generated pod %d has no metadata", i)
		}
		meta["namespace"] = loadNamespace
		obj, err := json.Marshal(p.Object)
		if err != nil {
			return nil, fmt.Errorf("encoding generated pod %d: %w", i, err)
		}
		review, err := admissionReview(reviewUID(i), fmt.Sprint(meta["name"]), obj)
		if err != nil {
			return nil, err
		}
		w.podJSON, w.reviews = append(w.podJSON, obj), append(w.reviews, review)
	}
	return w, nil
}

// serviceAccounts returns the ServiceAccount names the Pods use, sorted, each once.
func (w *workload) serviceAccounts() []string {
	var out []string
	for _, p := range w.pods {
		spec, _ := p.Object["spec"].(map[string]any)
		if sa, ok := spec["serviceAccountName"].(string); ok && !slices.Contains(out, sa) {
			out = append(out, sa)
		}
	}
	slices.Sort(out)
	return out
}

// reviewUID names the AdmissionReview of Pod i; the answer echoes it, so answers are matched to Pods by it.
func reviewUID(i int) string { return fmt.Sprintf("load-%06d", i) }

// admissionReview returns an AdmissionReview v1 request creating the Pod obj in the load namespace, as the API
// server sends it.
func admissionReview(uid, name string, obj []byte) ([]byte, error) {
	pods := metav1.GroupVersionResource{Version: "v1", Resource: "pods"}
	pod := metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}
	r := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: types.UID(uid), Kind: pod, Resource: pods, RequestKind: &pod, RequestResource: &pods,
			Name: name, Namespace: loadNamespace, Operation: admissionv1.Create,
			UserInfo: authenticationv1.UserInfo{Username: "load-tester", Groups: []string{"system:authenticated"}},
			Object:   runtime.RawExtension{Raw: obj},
			Options:  runtime.RawExtension{Raw: []byte(`{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}`)},
		},
	}
	data, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encoding the AdmissionReview of %s: %w", name, err)
	}
	return data, nil
}

// answer is what one AdmissionReview answer says.
type answer struct {
	UID     string
	Verdict string
	// Message is the answer's status message (why it denied), if any.
	Message string
}

// readAnswer decodes an AdmissionReview answer.
func readAnswer(body []byte) (answer, error) {
	var r admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &r); err != nil {
		return answer{}, fmt.Errorf("answer is not an AdmissionReview: %w", err)
	}
	if r.Response == nil {
		return answer{}, fmt.Errorf("AdmissionReview answer without response")
	}
	a := answer{UID: string(r.Response.UID), Verdict: verdictDenied}
	if r.Response.Result != nil {
		a.Message = r.Response.Result.Message
	}
	if r.Response.Allowed {
		a.Verdict = verdictAllowed
		if len(r.Response.Patch) > 0 {
			a.Verdict = verdictPatched
		}
	}
	return a, nil
}

package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sigsjson "sigs.k8s.io/json"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/manifest"
)

// Set is what a load produced: compiled policies and exceptions, and one error per document that failed.
type Set struct {
	Policies   []*engine.Policy
	Exceptions []*engine.Exception
	Errors     []*LoadError
	// admission holds ValidatingAdmissionPolicies and bindings not yet paired (WithAdmissionPolicies).
	admission admissionDocs
}

// Loader reads and compiles policy documents with one engine.
type Loader struct {
	eng *engine.Engine
	// Limits bound the files LoadPaths reads and every document (manifest.Limits; zero fields take the defaults).
	Limits manifest.Limits
	// admissionPolicies: read ValidatingAdmissionPolicies and bindings (WithAdmissionPolicies).
	admissionPolicies bool
}

// NewLoader returns a Loader that compiles with e.
func NewLoader(e *engine.Engine, opts ...LoaderOption) *Loader {
	l := &Loader{eng: e}
	for _, o := range opts {
		o(l)
	}
	return l
}

// LoadPaths loads every YAML file named, walking folders recursively. Documents that are not policies or exceptions
// are ignored. Files are read and compiled concurrently (up to GOMAXPROCS at a time) and merged in order, so the
// result is the same as one by one. When ctx is done it stops between documents; the context's cause is the last
// error.
func (l *Loader) LoadPaths(ctx context.Context, paths ...string) *Set {
	set := &Set{}
	files, errs := expandPaths(paths)
	set.Errors = append(set.Errors, errs...)
	sets := make([]*Set, len(files))
	parallel(ctx, len(files), func(i int) { sets[i] = l.loadFile(ctx, files[i]) })
	for i, f := range files {
		if sets[i] != nil {
			set.merge(sets[i])
		}
		if ctx.Err() != nil {
			set.Errors = append(set.Errors, &LoadError{File: f, Err: fmt.Errorf("stopped: %w", context.Cause(ctx))})
			break
		}
	}
	l.pairAdmission(set)
	return set
}

// loadFile reads and loads one file.
func (l *Loader) loadFile(ctx context.Context, f string) *Set {
	data, err := l.Limits.ReadFile(f)
	if err != nil {
		return &Set{Errors: []*LoadError{{File: f, Err: fmt.Errorf("cannot read: %w", err)}}}
	}
	return l.loadBytes(ctx, f, data)
}

// LoadBytes loads the documents of one file.
func (l *Loader) LoadBytes(file string, data []byte) *Set {
	set := l.loadBytes(context.Background(), file, data)
	l.pairAdmission(set)
	return set
}

func (l *Loader) loadBytes(ctx context.Context, file string, data []byte) *Set {
	set := &Set{}
	docs, errs := splitDocuments(file, data, l.Limits)
	set.Errors = append(set.Errors, errs...)
	for _, d := range docs {
		if ctx.Err() != nil {
			break
		}
		l.loadDocument(set, d)
	}
	return set
}

func (s *Set) merge(o *Set) {
	s.Policies = append(s.Policies, o.Policies...)
	s.Exceptions = append(s.Exceptions, o.Exceptions...)
	s.Errors = append(s.Errors, o.Errors...)
	s.admission.policies = append(s.admission.policies, o.admission.policies...)
	s.admission.bindings = append(s.admission.bindings, o.admission.bindings...)
	s.admission.brokenFor = append(s.admission.brokenFor, o.admission.brokenFor...)
	s.admission.mutating.merge(&o.admission.mutating)
}

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

func (l *Loader) loadDocument(set *Set, d document) {
	var tm typeMeta
	if err := json.Unmarshal(d.json, &tm); err != nil {
		set.Errors = append(set.Errors, &LoadError{File: d.file, Document: d.index, Err: fmt.Errorf("not a Kubernetes object: %w", err)})
		return
	}
	fail := func(field string, err error) {
		set.Errors = append(set.Errors, &LoadError{File: d.file, Document: d.index, Kind: tm.Kind, Name: tm.Metadata.Name, Field: field, Err: err})
	}
	if l.isAdmissionKind(tm.APIVersion, tm.Kind) {
		if field, err := l.readAdmission(set, d, tm); err != nil {
			fail(field, err)
		}
		return
	}
	switch classify(tm.APIVersion, tm.Kind) {
	case docPolicy:
		p, field, err := l.loadPolicy(d.json, tm)
		if err != nil {
			fail(field, err)
			return
		}
		set.Policies = append(set.Policies, p)
	case docValidating:
		p, field, err := l.loadValidating(d.json, tm)
		if err != nil {
			fail(field, err)
			return
		}
		set.Policies = append(set.Policies, p)
	case docDeleting:
		p, field, err := l.loadDeleting(d.json, tm)
		if err != nil {
			fail(field, err)
			return
		}
		set.Policies = append(set.Policies, p)
	case docGenerating:
		p, field, err := l.loadGenerating(d.json, tm)
		if err != nil {
			fail(field, err)
			return
		}
		set.Policies = append(set.Policies, p)
	case docMutating:
		p, field, err := l.loadMutating(d.json, tm)
		if err != nil {
			fail(field, err)
			return
		}
		set.Policies = append(set.Policies, p)
	case docCELException:
		x, field, err := l.loadCELException(d.json)
		if err != nil {
			fail(field, err)
			return
		}
		if x != nil { // nil: expired
			set.Exceptions = append(set.Exceptions, x)
		}
	case docException:
		x, field, err := l.loadException(d.json)
		if err != nil {
			fail(field, err)
			return
		}
		set.Exceptions = append(set.Exceptions, x)
	case docUnsupported:
		fail("", fmt.Errorf("%s %s: %w", tm.APIVersion, tm.Kind, ErrUnsupportedKind))
	}
}

type docClass int

const (
	docOther docClass = iota
	docPolicy
	docException
	docValidating
	docCELException
	docUnsupported
	docDeleting
	docGenerating
	docMutating
)

func classify(apiVersion, kind string) docClass {
	group, version, _ := strings.Cut(apiVersion, "/")
	switch {
	case (kind == "ClusterPolicy" || kind == "Policy") && isPolicyVersion(group, version):
		return docPolicy
	case kind == "PolicyException" && isExceptionVersion(group, version):
		return docException
	case isValidatingKind(group, version, kind):
		return docValidating
	case isDeletingKind(group, version, kind):
		return docDeleting
	case isGeneratingKind(group, version, kind):
		return docGenerating
	case isMutatingKind(group, version, kind):
		return docMutating
	case kind == policiesv1.PolicyExceptionKind && group == policiesv1.GroupName && isPoliciesVersion(version):
		return docCELException
	case group == "policies.kyverno.io":
		return docUnsupported
	}
	return docOther
}

func isPolicyVersion(group, version string) bool {
	return (group == v1alpha1.SchemeGroupVersion.Group && version == v1alpha1.SchemeGroupVersion.Version) ||
		(group == "kyverno.io" && (version == "v1" || version == "v2beta1"))
}

func isExceptionVersion(group, version string) bool {
	return (group == v1alpha1.SchemeGroupVersion.Group && version == v1alpha1.SchemeGroupVersion.Version) ||
		(group == "kyverno.io" && (version == "v2" || version == "v2beta1" || version == "v2alpha1"))
}

// decodeStrict decodes JSON into obj, failing on unknown and duplicate fields; the field path of the first problem
// is returned separately.
func decodeStrict(data []byte, obj any) (string, error) {
	strictErrs, err := sigsjson.UnmarshalStrict(data, obj)
	if err != nil {
		return fieldOf(err.Error()), fmt.Errorf("decoding: %w", err)
	}
	if len(strictErrs) > 0 {
		return fieldOf(strictErrs[0].Error()), errors.Join(strictErrs...)
	}
	return "", nil
}

var quotedField = regexp.MustCompile(`field "([^"]+)"`)

func fieldOf(msg string) string {
	if m := quotedField.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

func (l *Loader) loadPolicy(data []byte, tm typeMeta) (*engine.Policy, string, error) {
	var obj v1alpha1.ClusterPolicy // ClusterPolicy and Policy share one schema
	if field, err := decodeStrict(data, &obj); err != nil {
		return nil, field, err
	}
	return l.compilePolicy(tm.Kind, &obj.ObjectMeta, &obj.Spec)
}

// CompilePolicy checks and compiles a ClusterPolicy or Policy object, as read from the API server. The error names
// the field at fault.
func (l *Loader) CompilePolicy(kind string, meta *metav1.ObjectMeta, spec *v1alpha1.Spec) (*engine.Policy, error) {
	p, field, err := l.compilePolicy(kind, meta, spec)
	if err != nil {
		return nil, &LoadError{Kind: kind, Name: meta.Name, Field: field, Err: err}
	}
	return p, nil
}

func (l *Loader) compilePolicy(kind string, meta *metav1.ObjectMeta, spec *v1alpha1.Spec) (*engine.Policy, string, error) {
	if meta.Name == "" {
		return nil, "metadata.name", errors.New("required")
	}
	if field, err := checkRules(spec.Rules); err != nil {
		return nil, field, err
	}
	src := engine.Source{Kind: kind, Name: meta.Name, Annotations: meta.Annotations}
	if kind == "Policy" {
		src.Namespace = meta.Namespace
		if src.Namespace == "" {
			src.Namespace = "default"
		}
	}
	withRules, err := withAutogen(spec, meta.Annotations)
	if err != nil {
		return nil, "spec.rules", fmt.Errorf("autogen: %w", err)
	}
	src.Spec = withRules
	p, err := l.eng.Compile(src)
	if err != nil {
		return nil, "", err
	}
	return p, "", nil
}

// CompileException compiles a PolicyException object, as read from the API server.
func (l *Loader) CompileException(obj *v1alpha1.PolicyException) (*engine.Exception, error) {
	x, err := l.eng.CompileException(obj)
	if err != nil {
		return nil, &LoadError{Kind: "PolicyException", Name: obj.Name, Err: err}
	}
	return x, nil
}

func (l *Loader) loadException(data []byte) (*engine.Exception, string, error) {
	var obj v1alpha1.PolicyException
	if field, err := decodeStrict(data, &obj); err != nil {
		return nil, field, err
	}
	if obj.Namespace == "" {
		obj.Namespace = "default"
	}
	x, err := l.eng.CompileException(&obj)
	if err != nil {
		return nil, "", err
	}
	return x, "", nil
}

package kyvernotest

// The cli.kyverno.io/v1alpha1 file schema, as far as Bylaw reads it. Decoding is lenient: unknown keys are ignored,
// so suites written for newer Kyverno versions still load.

// Test is a `kyverno-test.yaml` file: the policies and resources of a suite and the results expected.
type Test struct {
	APIVersion string   `json:"apiVersion,omitempty"`
	Kind       string   `json:"kind,omitempty"`
	Metadata   Metadata `json:"metadata,omitempty"`
	// Name is the deprecated top-level name; Metadata.Name wins when both are set.
	Name      string   `json:"name,omitempty"`
	Policies  []string `json:"policies,omitempty"`
	Resources []string `json:"resources,omitempty"`
	// Variables is the path of a Values file, relative to the test file.
	Variables string `json:"variables,omitempty"`
	// Values are inline values; when set, Variables is not read.
	Values *Values `json:"values,omitempty"`
	// UserInfo is the path of a UserInfo file.
	UserInfo string `json:"userinfo,omitempty"`
	// Context is the path of a Context file.
	Context    string   `json:"context,omitempty"`
	Exceptions []string `json:"exceptions,omitempty"`
	// ClusterResources are files of objects that exist in the cluster: context lookups (resource.Get, apiCall,
	// configMap) find them, rows do not score them.
	ClusterResources []string `json:"clusterResources,omitempty"`
	Results          []Result `json:"results,omitempty"`
}

// Metadata is the part of object metadata the CLI files use.
type Metadata struct {
	Name      string            `json:"name,omitempty"`
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
}

// DisplayName returns metadata.name, or the deprecated top-level name.
func (t *Test) DisplayName() string {
	if t.Metadata.Name != "" {
		return t.Metadata.Name
	}
	return t.Name
}

// Result is one expected result: a policy (and rule) on a list of resources of one kind.
type Result struct {
	Policy string `json:"policy"`
	Rule   string `json:"rule,omitempty"`
	Kind   string `json:"kind,omitempty"`
	// Result is the expected outcome: pass, fail, skip, warn or error.
	Result    string         `json:"result,omitempty"`
	Resources []string       `json:"resources,omitempty"`
	Specs     []ResourceSpec `json:"resourceSpecs,omitempty"`

	// Deprecated fields, still read.
	Status    string `json:"status,omitempty"`
	Resource  string `json:"resource,omitempty"`
	Namespace string `json:"namespace,omitempty"`

	// Flags naming the kind of policy the row is about (policies.kyverno.io and admission policies).
	IsValidatingAdmissionPolicy bool `json:"isValidatingAdmissionPolicy,omitempty"`
	IsMutatingAdmissionPolicy   bool `json:"isMutatingAdmissionPolicy,omitempty"`
	IsValidatingPolicy          bool `json:"isValidatingPolicy,omitempty"`
	IsMutatingPolicy            bool `json:"isMutatingPolicy,omitempty"`
	IsGeneratingPolicy          bool `json:"isGeneratingPolicy,omitempty"`
	IsImageValidatingPolicy     bool `json:"isImageValidatingPolicy,omitempty"`
	IsDeletingPolicy            bool `json:"isDeletingPolicy,omitempty"`

	// Mutation and generation expectations; Bylaw does not compare them yet.
	PatchedResources    string `json:"patchedResources,omitempty"`
	PatchedResource     string `json:"patchedResource,omitempty"`
	GeneratedResource   string `json:"generatedResource,omitempty"`
	CloneSourceResource string `json:"cloneSourceResource,omitempty"`
}

// ResourceSpec names a resource by group, version, kind, namespace and name.
type ResourceSpec struct {
	Group     string `json:"group,omitempty"`
	Version   string `json:"version,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
}

// Expected returns the expected result, falling back to the deprecated status field.
func (r *Result) Expected() string {
	if r.Result != "" {
		return r.Result
	}
	return r.Status
}

// ResourceRefs returns the resources the row lists: resources, or the deprecated resource field.
func (r *Result) ResourceRefs() []string {
	if len(r.Resources) > 0 {
		return r.Resources
	}
	if r.Resource != "" {
		return []string{r.Resource}
	}
	return nil
}

// policyKindFlag returns the policy kind a row flag names when it is a kind Bylaw does not evaluate, or "".
func (r *Result) policyKindFlag() string {
	switch {
	case r.IsValidatingPolicy:
		return "ValidatingPolicy"
	case r.IsMutatingPolicy:
		return "MutatingPolicy"
	case r.IsGeneratingPolicy:
		return "GeneratingPolicy"
	case r.IsImageValidatingPolicy:
		return "ImageValidatingPolicy"
	case r.IsDeletingPolicy:
		return "DeletingPolicy"
	case r.IsValidatingAdmissionPolicy:
		return "ValidatingAdmissionPolicy"
	case r.IsMutatingAdmissionPolicy:
		return "MutatingAdmissionPolicy"
	}
	return ""
}

// Values is a Values file (or a test's inline values): values for variables, namespace labels and subresources.
type Values struct {
	APIVersion   string         `json:"apiVersion,omitempty"`
	Kind         string         `json:"kind,omitempty"`
	GlobalValues map[string]any `json:"globalValues,omitempty"`
	Policies     []PolicyValues `json:"policies,omitempty"`
	// NamespaceSelectors give the labels of namespaces, for namespaceSelector matching.
	NamespaceSelectors []NamespaceLabels `json:"namespaceSelector,omitempty"`
	// Namespaces are Namespace objects; their labels take precedence over NamespaceSelectors.
	Namespaces   []Namespace   `json:"namespaces,omitempty"`
	Subresources []Subresource `json:"subresources,omitempty"`
}

// PolicyValues are the values for one policy, by resource and by rule.
type PolicyValues struct {
	Name      string           `json:"name"`
	Resources []ResourceValues `json:"resources,omitempty"`
	Rules     []RuleValues     `json:"rules,omitempty"`
}

// ResourceValues are values for one resource (by name) under one policy.
type ResourceValues struct {
	Name   string         `json:"name"`
	Values map[string]any `json:"values,omitempty"`
}

// RuleValues are values for one rule of a policy.
type RuleValues struct {
	Name   string         `json:"name"`
	Values map[string]any `json:"values,omitempty"`
	// ForeachValues are per-element values of foreach loops; Bylaw does not apply them yet.
	ForeachValues []map[string][]any `json:"foreachValues,omitempty"`
}

// NamespaceLabels gives the labels of one namespace.
type NamespaceLabels struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
}

// Namespace is a Namespace object of a Values file.
type Namespace struct {
	Metadata Metadata `json:"metadata,omitempty"`
}

// Subresource maps a subresource kind (such as Scale) to the resource it belongs to.
type Subresource struct {
	Subresource    APIResource `json:"subresource"`
	ParentResource APIResource `json:"parentResource"`
}

// APIResource is the part of metav1.APIResource a Subresource mapping uses.
type APIResource struct {
	Name    string `json:"name"`
	Group   string `json:"group,omitempty"`
	Version string `json:"version,omitempty"`
	Kind    string `json:"kind"`
}

// UserInfo is a UserInfo file: the requesting user and its RBAC roles.
type UserInfo struct {
	APIVersion   string      `json:"apiVersion,omitempty"`
	Kind         string      `json:"kind,omitempty"`
	Roles        []string    `json:"roles,omitempty"`
	ClusterRoles []string    `json:"clusterRoles,omitempty"`
	User         UserDetails `json:"userInfo,omitempty"`
}

// UserDetails is the authenticated user of a UserInfo file.
type UserDetails struct {
	Username string   `json:"username,omitempty"`
	UID      string   `json:"uid,omitempty"`
	Groups   []string `json:"groups,omitempty"`
}

// Context is a Context file: objects and image data that external lookups are served from.
type Context struct {
	APIVersion string      `json:"apiVersion,omitempty"`
	Kind       string      `json:"kind,omitempty"`
	Spec       ContextSpec `json:"spec,omitempty"`
}

// ContextSpec holds the data of a Context file.
type ContextSpec struct {
	Resources []map[string]any `json:"resources,omitempty"`
	Images    []ImageData      `json:"images,omitempty"`
}

// ImageData is the registry data of one image reference.
type ImageData struct {
	Image         string `json:"image"`
	ResolvedImage string `json:"resolvedImage,omitempty"`
	Registry      string `json:"registry,omitempty"`
	Repository    string `json:"repository,omitempty"`
	Tag           string `json:"tag,omitempty"`
	Digest        string `json:"digest,omitempty"`
	ImageIndex    any    `json:"imageIndex,omitempty"`
	Manifest      any    `json:"manifest,omitempty"`
	Config        any    `json:"config,omitempty"`
}

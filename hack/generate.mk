# generate.mk: code and CRD generation. Included from the top-level Makefile,
# run from the repository root.
#
#   make controller-gen   install the pinned controller-gen (hack/tools.sh)
#   make generate         regenerate deepcopy code and manifests/crds/*.yaml
#   make verify-crds      validate manifests/crds/*.yaml as the API server does
#
# The controller-gen version is pinned in hack/tools.sh only.

CRD_DIR ?= manifests/crds
API_PATHS ?= ./api/v1alpha1/...
# PolicyReport types (wgpolicyk8s.io): their CRDs go to a folder of their own, outside the default install.
REPORT_CRD_DIR ?= manifests/crds/wgpolicyk8s
REPORT_API_PATHS ?= ./api/wgpolicyk8s/...
# Report and ClusterReport types (openreports.io, --report-api=openreports): their CRDs go to a folder of their own too.
OPENREPORTS_CRD_DIR ?= manifests/crds/openreports
OPENREPORTS_API_PATHS ?= ./api/openreports/...
# Kyverno's CEL policy kinds (policies.kyverno.io): one Go package (v1), served as v1, v1beta1 and v1alpha1.
POLICIES_API_PATHS ?= ./api/policies/...
POLICIES_EXTRA_VERSIONS ?= v1beta1,v1alpha1

.PHONY: controller-gen generate

controller-gen:
	@bash hack/tools.sh controller-gen

generate:
	@set -e; cg="$$(bash hack/tools.sh controller-gen)"; \
	echo "$$cg object paths=$(API_PATHS)"; \
	"$$cg" object:headerFile=hack/boilerplate.go.txt paths="$(API_PATHS)"; \
	mkdir -p "$(CRD_DIR)"; rm -f "$(CRD_DIR)"/bylaw.dev_*.yaml; \
	echo "$$cg crd paths=$(API_PATHS) -> $(CRD_DIR)"; \
	"$$cg" crd paths="$(API_PATHS)" output:crd:artifacts:config="$(CRD_DIR)"; \
	"$$cg" object:headerFile=hack/boilerplate.go.txt paths="$(REPORT_API_PATHS)"; \
	rm -f "$(REPORT_CRD_DIR)"/wgpolicyk8s.io_*.yaml; \
	echo "$$cg crd paths=$(REPORT_API_PATHS) -> $(REPORT_CRD_DIR)"; \
	"$$cg" crd paths="$(REPORT_API_PATHS)" output:crd:artifacts:config="$(REPORT_CRD_DIR)"; \
	"$$cg" object:headerFile=hack/boilerplate.go.txt paths="$(OPENREPORTS_API_PATHS)"; \
	mkdir -p "$(OPENREPORTS_CRD_DIR)"; rm -f "$(OPENREPORTS_CRD_DIR)"/openreports.io_*.yaml; \
	echo "$$cg crd paths=$(OPENREPORTS_API_PATHS) -> $(OPENREPORTS_CRD_DIR)"; \
	"$$cg" crd paths="$(OPENREPORTS_API_PATHS)" output:crd:artifacts:config="$(OPENREPORTS_CRD_DIR)"; \
	"$$cg" object:headerFile=hack/boilerplate.go.txt paths="$(POLICIES_API_PATHS)"; \
	rm -f "$(CRD_DIR)"/policies.kyverno.io_*.yaml; \
	echo "$$cg crd paths=$(POLICIES_API_PATHS) -> $(CRD_DIR) (+ $(POLICIES_EXTRA_VERSIONS))"; \
	"$$cg" crd paths="$(POLICIES_API_PATHS)" output:crd:artifacts:config="$(CRD_DIR)"; \
	go run ./hack/crdversions -versions $(POLICIES_EXTRA_VERSIONS) "$(CRD_DIR)"/policies.kyverno.io_*.yaml

.PHONY: verify-crds

# verify-crds runs the API server's CRD validation (structural schema rules
# included) on the generated CRDs. hack/crdcheck is a separate module; its
# first build downloads the API server's dependencies.
verify-crds:
	cd hack/crdcheck && go run . $(addprefix $(CURDIR)/,$(wildcard $(CRD_DIR)/bylaw.dev_*.yaml $(CRD_DIR)/policies.kyverno.io_*.yaml $(OPENREPORTS_CRD_DIR)/openreports.io_*.yaml))

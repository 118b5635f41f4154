# Bylaw: make targets. `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
GO ?= go
BIN_DIR ?= bin
BYLAW := $(BIN_DIR)/bylaw
CORPUS ?= ../shared/conformance/kyverno-policies
FUZZTIME ?= 60s
FUZZ_MIN_RATE ?= 1000

.PHONY: all build test unit race e2e control-plane vet fmt-check lint conformance conformance-ratchet bench load fuzz demo clean

all: build

include hack/generate.mk

build:
	@mkdir -p $(BIN_DIR)
	$(GO) build -o $(BYLAW) ./cmd/bylaw

## test: gofmt and vet, the conformance ratchet over the Kyverno corpus, then every Go test: unit tests, the
## integration tests on a real kube-apiserver and etcd, and the e2e suite (tests/e2e); then the admission
## concurrency test under the race detector.
test: fmt-check vet conformance-ratchet unit race

## control-plane: build kube-apiserver, etcd and kubectl from Go modules once (cached by version, see the script).
control-plane:
	@bash hack/control-plane.sh >/dev/null

unit: control-plane
	KUBEBUILDER_ASSETS=$(CURDIR)/bin/k8s GIT_CONFIG_GLOBAL=/dev/null $(GO) test -count=1 ./...

## race: 10,000 concurrent admission requests under the race detector (webhook/concurrency_test.go); the rest of
## `make test` runs without -race, this test is the one that hunts shared state on the hot path.
race:
	$(GO) test -count=1 -race -run '^TestDenyVerdictStableUnderConcurrency$$' ./webhook/

## e2e: only the end-to-end suite: `bylaw serve` as the admission webhook of a real control plane.
e2e: control-plane
	KUBEBUILDER_ASSETS=$(CURDIR)/bin/k8s $(GO) test -count=1 -v ./tests/e2e/

vet:
	$(GO) vet ./...

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi

lint: fmt-check vet

## conformance: run `bylaw test` over the corpus and print per-folder counts.
conformance: build
	$(BYLAW) test $(CORPUS) --folder-summary

## conformance-ratchet: passing rows may not drop below tests/conformance/baseline.txt.
conformance-ratchet: build
	@bash tests/conformance/ratchet.sh $(BYLAW) $(CORPUS) tests/conformance/baseline.txt

## bench: Go benchmarks and the `bylaw apply` load run (tests/bench).
bench: build
	$(GO) test -run='^$$' -bench=. -benchmem ./engine/... ./reports/... ./tests/bench/...
	@command -v /usr/bin/time >/dev/null || (apt-get update -qq && apt-get install -y -qq time)
	bash tests/bench/apply.sh $(CORPUS)

## fuzz: run every fuzz target for FUZZTIME each; each must pass and reach FUZZ_MIN_RATE executions/s (hack/fuzz.sh).
fuzz:
	@bash hack/fuzz.sh $(FUZZTIME) $(FUZZ_MIN_RATE)

## demo: the CLI on the example files, then Bylaw as the admission webhook of a cluster (KUBECONFIG, or a local
## control plane built once by hack/control-plane.sh): a denied, a mutated and an audited Pod, a generate rule, then
## signed bundles from a local git server (bin/gitserver): enforced with provenance, updated by the push hook, a
## tampered one refused.
demo: build
	$(GO) build -o $(BIN_DIR)/gitserver ./hack/gitserver
	@echo "== bylaw apply examples/policies --resource examples/resources"
	@$(BYLAW) apply examples/policies --resource examples/resources; rc=$$?; \
	echo "(exit code $$rc: 1 means an Enforce policy failed, as the example intends)"; [ $$rc -le 1 ]
	@bash hack/demo.sh

clean:
	rm -rf $(BIN_DIR)

## load: the admission load tool (tests/load): `bylaw serve` on a local control plane, webhook mode (AdmissionReviews
## straight to the webhook) and apiserver mode (dryRun=All Pod creates, with and without Bylaw). Overrides in LOAD_ARGS,
## e.g. LOAD_ARGS='--mode webhook --scenario pod-security --rate 500 --duration 10s'. Results: bin/load/*.json.
LOAD_ARGS ?=
load: build control-plane
	KUBEBUILDER_ASSETS=$(CURDIR)/bin/k8s $(GO) run ./tests/load --corpus $(CORPUS) --bylaw $(BYLAW) \
		--out $(BIN_DIR)/load $(LOAD_ARGS)

# Every command the README gives. CI (.ci/run) runs `make lint test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: test demo tools lint fmt template policy-purity bench bench-guard bench-load bench-cli bench-audit evaluate-fixtures fuzz fuzz-smoke mutants

# The Lambda functions as `cargo lambda watch` builds them (their own feature set), built up front
# so that no end-to-end test waits for a compile.
FUNCTIONS := -p smguard-sagemaker-guard -p smguard-audit -p smguard-upload-guard -p smguard-trail-guard

## test: the test command: installs the tools, then every Rust test (end-to-end ones included) and the emulator's own tests
test: tools
	$(CARGO) build $(FUNCTIONS) -p smguard-cli
	$(CARGO) test --workspace
	.venv/bin/python -m unittest discover --start-directory tests/emulator

## demo: an insecure SageMaker estate contained by the real function, then audited, in the local test bed (DEMO_ARGS=--dry-run to change nothing)
demo: tools
	$(CARGO) build $(FUNCTIONS)
	$(CARGO) build -p smguard-tests --bin smguard-demo
	target/debug/smguard-demo $(DEMO_ARGS)

## tools: the pinned AWS API emulator (moto), cargo-lambda and cfn-lint in .venv; aws-sam-cli in .venv-sam
tools:
	tests/bin/setup

## lint: formatting, clippy with warnings as errors, the policy crate's purity, cfn-lint and `sam validate --lint` on the SAM template
lint: tools policy-purity
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	.venv/bin/cfn-lint infra/template.yaml
	SAM_CLI_TELEMETRY=0 .venv-sam/bin/sam validate --lint --template infra/template.yaml --region us-gov-west-1

## policy-purity: smguard-policy must not depend on an AWS SDK, aws-config, lambda_runtime or tokio
policy-purity:
	@deps=$$($(CARGO) tree -p smguard-policy -e normal,build --prefix none --format '{p}' | sort -u); \
	bad=$$(grep -E '^(aws-|lambda_runtime|lambda-runtime|tokio)' <<<"$$deps" || true); \
	if [ -n "$$bad" ]; then echo "smguard-policy must stay pure, but depends on:"; echo "$$bad"; exit 1; fi; \
	echo "smguard-policy: $$(wc -l <<<"$$deps") crates, none of them AWS SDK, aws-config, lambda_runtime or tokio"

## template: write the kind table's routed calls and IAM actions into infra/template.yaml
template: tools
	$(CARGO) build -p smguard-cli
	.venv/bin/python infra/sync_template.py target/debug/smguard

fmt:
	$(CARGO) fmt --all

## bench: the policy benchmark (criterion; figures in the README)
bench:
	$(CARGO) bench -p smguard-policy --bench evaluate

## bench-guard: the release function's cold start, peak RSS, latency and AWS calls per event (BENCH_ARGS=--events N --starts N)
bench-guard: tools
	$(CARGO) build --release $(FUNCTIONS)
	$(CARGO) build -p smguard-tests --bin smguard-bench-guard
	target/debug/smguard-bench-guard $(BENCH_ARGS)

## bench-load: a burst of 2,000 events (10 % duplicates, shuffled) to 8 processes of the function with 2 % of its AWS calls failing; contained, alerted, lost, events/s and latency (LOAD_ARGS="--events N --processes N --fault-rate F --binary target/release/sagemaker-guard")
bench-load: tools
	$(CARGO) build -p smguard-sagemaker-guard
	$(CARGO) build -p smguard-tests --bin smguard-bench-load
	target/debug/smguard-bench-load $(LOAD_ARGS)

## bench-audit: the release audit over N notebooks and N training jobs per size, against the describe floor (BENCH_AUDIT_ARGS="--sizes 1000,10000")
BENCH_AUDIT_ARGS ?= --sizes 1000,10000
bench-audit: tools
	$(CARGO) build --release -p smguard-audit -p smguard-tests --bin audit --bin smguard-bench-audit
	target/release/smguard-bench-audit $(BENCH_AUDIT_ARGS)

## bench-cli: the release `smguard` over a generated 200,000-record CloudTrail log, plain and as 8 gzipped files (BENCH_CLI_ARGS=--records N)
bench-cli:
	$(CARGO) build --release -p smguard-cli
	$(CARGO) build -p smguard-tests --bin smguard-bench-cli
	target/debug/smguard-bench-cli $(BENCH_CLI_ARGS)

## evaluate-fixtures: every fixture through the CLI with the fixtures' settings
evaluate-fixtures:
	$(CARGO) run -q -p smguard-cli -- evaluate --env-file events/fixtures.env events/

## fuzz: every fuzz target for FUZZ_SECONDS each (default 60), seeded with events/ (cargo-fuzz, nightly; installed if missing)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := event batch gzip_input settings
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	fuzz/seed.sh
	for target in $(FUZZ_TARGETS); do \
	  cargo +nightly fuzz run --fuzz-dir fuzz --target-dir target/fuzz $$target target/fuzz/corpus/$$target -- \
	    -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 > target/fuzz/$$target.log 2>&1 \
	    || { tail -40 target/fuzz/$$target.log; echo "fuzz: $$target failed (artifact in fuzz/artifacts/$$target)"; exit 1; }; \
	  grep -h '^stat::number_of_executed_units' target/fuzz/$$target.log | sed "s/^/fuzz: $$target /"; \
	done
	@grep -h '^stat::number_of_executed_units' target/fuzz/*.log | awk '{ total += $$2 } END { print "fuzz: " total " executions in total" }'

## fuzz-smoke: CI's short run of every fuzz target (10 s each); needs the nightly toolchain, which rustup cannot fetch offline
fuzz-smoke:
	@if cargo +nightly --version >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10; \
	else \
	  echo "fuzz-smoke: NOT RUN: no nightly toolchain (rustup toolchain install nightly)"; \
	fi

## mutants: cargo-mutants over the policy crate's rules, key matching, decisions and readers with the policy crate's own tests, about 800 mutants, some 80 minutes here (installed if missing; MUTANTS_FILES="-f shared/policy/src/kms.rs" to narrow, MUTANTS_ARGS="--iterate" to re-run only what was missed); the report in target/mutants/mutants.out
MUTANTS_JOBS ?= 2
MUTANTS_FILES ?= -f 'shared/policy/src/kms.rs' -f 'shared/policy/src/rules/*.rs' -f 'shared/policy/src/decision.rs' -f 'shared/policy/src/event/**'
mutants:
	command -v cargo-mutants >/dev/null || cargo install cargo-mutants --locked
	cargo mutants -p smguard-policy $(MUTANTS_FILES) $(MUTANTS_ARGS) --output target/mutants --no-shuffle -j $(MUTANTS_JOBS)

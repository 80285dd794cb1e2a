# Every command the README gives. CI (.ci/run) runs `make lint test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: test tools lint fmt policy-purity bench evaluate-fixtures

## test: the test command: installs the emulator, then every Rust test and the emulator's own tests
test: tools
	$(CARGO) test --workspace
	.venv/bin/python -m unittest discover --start-directory tests/emulator

## tools: the pinned AWS API emulator (moto) in .venv
tools:
	tests/bin/setup

## lint: formatting, clippy with warnings as errors, and the policy crate's purity
lint: policy-purity
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## policy-purity: smguard-policy must not depend on an AWS SDK, aws-config, lambda_runtime or tokio
policy-purity:
	@deps=$$($(CARGO) tree -p smguard-policy -e normal,build --prefix none --format '{p}' | sort -u); \
	bad=$$(grep -E '^(aws-|lambda_runtime|lambda-runtime|tokio)' <<<"$$deps" || true); \
	if [ -n "$$bad" ]; then echo "smguard-policy must stay pure, but depends on:"; echo "$$bad"; exit 1; fi; \
	echo "smguard-policy: $$(wc -l <<<"$$deps") crates, none of them AWS SDK, aws-config, lambda_runtime or tokio"

fmt:
	$(CARGO) fmt --all

## bench: the policy benchmark (criterion; figures in the README)
bench:
	$(CARGO) bench -p smguard-policy --bench evaluate

## evaluate-fixtures: every fixture through the CLI with the fixtures' settings
evaluate-fixtures:
	$(CARGO) run -q -p smguard-cli -- evaluate --env-file events/fixtures.env events/

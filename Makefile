# make demo   run the whole pipeline on the default real clip; outputs in out/demo
# make test   every test: colcon build + colcon test (ament linters) + pytest
# make bench  the speed figures (bench/*.py print one JSON line each)
SHELL := /bin/bash
PY := .venv/bin/python
# Debian's colcon and cmake, not a venv's or pyenv's.
COLCON := env PATH=/usr/bin:$$PATH colcon

.PHONY: setup demo test test-python test-colcon bench clean

setup:
	@scripts/setup.sh

demo: setup
	$(PY) -m ameca_imitation.cli.imitate --out out/demo

test: setup test-colcon test-python

test-colcon:
	$(COLCON) build --packages-ignore ameca_imitation_msgs --event-handlers console_cohesion-
	$(COLCON) test --packages-ignore ameca_imitation_msgs --event-handlers console_cohesion-
	$(COLCON) test-result --verbose

# pytest exits 5 when it collects nothing: that is a broken suite, say so and fail.
test-python:
	$(PY) -m pytest tests -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

bench: setup
	for f in bench/bench_*.py; do $(PY) $$f || exit 1; done

clean:
	rm -rf build install log out

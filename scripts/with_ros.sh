#!/usr/bin/env bash
# Run a command with ROS 2 from the .venv (make setup-ros) and this workspace's install/ tree:
#   scripts/with_ros.sh install/face_animator_node/lib/face_animator_node/camera_node --ros-args ...
# Sets what the wheels' bootstrapper would (so Python processes start once, not twice), the ROS
# prefix of the .venv for CMake and the ament index, and sources install/local_setup.bash. The
# library stays the checkout's (as the editable .venv has it), so an edit needs no rebuild.
set -eo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
libs=$(printf '%s:' "$venv"/lib/python3.11/site-packages/ros_*.libs)
export LD_LIBRARY_PATH="$venv/lib:${libs%:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export _ROS_WHEELS_BOOTSTRAP_COMPLETE=1
export CMAKE_PREFIX_PATH="$venv${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
export AMENT_PREFIX_PATH="$venv${AMENT_PREFIX_PATH:+:$AMENT_PREFIX_PATH}"
export PATH="$venv/bin:/usr/bin:$PATH"
if [ -f "$root/install/local_setup.bash" ]; then
  # shellcheck disable=SC1091
  COLCON_CURRENT_PREFIX="$root/install" source "$root/install/local_setup.bash"
  export PYTHONPATH="$root/src/ameca_imitation:$PYTHONPATH"
fi
exec "$@"

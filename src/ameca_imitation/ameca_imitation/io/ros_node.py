# Copyright 2026 The Ameca Imitation Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""
Start, spin and stop a node the same way in every process; publish its /diagnostics.

The library never imports rclpy: each node hands in its own ``rclpy`` module (``run(rclpy,
Node)``) and its node object, and these work through them.
"""

import time
from typing import Callable

from ameca_imitation.capture import CaptureError
from ameca_imitation.io.ros_convert import diagnostics_to_msg, RosTypes
from ameca_imitation.weights import CheckpointError

# Unusable parameters, input or weights: the node says so in one line and exits with 2.
STARTUP_ERRORS = (ValueError, OSError, CaptureError, CheckpointError)


def run(rclpy, make_node: Callable, args=None) -> int:
    """
    Run the node ``make_node()`` builds until SIGINT or shutdown; return the exit status.

    SIGINT (Ctrl-C, or ``ros2 launch`` stopping) ends the spin; ``destroy_node`` then stops the
    node's own threads before the context is shut down. A node that cannot start logs the
    reason in one line (no traceback) and the process exits with 2.
    """
    from_shutdown = rclpy.executors.ExternalShutdownException
    rclpy.init(args=args)
    node = None
    status = 0
    try:
        node = make_node()
        rclpy.spin(node)
    except (KeyboardInterrupt, from_shutdown):
        pass
    except RuntimeError:
        # A SIGINT that lands while rclpy converts a message it is taking surfaces as pybind's
        # "Unable to convert call argument" instead of the shutdown: a stop, not a failure.
        if not _shutting_down(rclpy):
            raise
    except STARTUP_ERRORS as err:
        if node is not None:            # a failure while running is a bug: show it whole
            raise
        rclpy.logging.get_logger(getattr(make_node, '__name__', 'node')).error(
            f'cannot start: {err}')
        status = 2
    finally:
        if node is not None:
            node.destroy_node()
        rclpy.try_shutdown()
    return status


def _shutting_down(rclpy, wait_s: float = 1.0) -> bool:
    """Tell whether the context is (or within ``wait_s`` becomes) shut down by a signal."""
    end = time.monotonic() + wait_s
    while rclpy.ok():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def publish_diagnostics(node, types: RosTypes, figures: Callable, period_s: float = 1.0):
    """
    Publish ``figures()`` on /diagnostics every ``period_s`` s from ``node``; return the timer.

    ``figures()`` returns a dict of named figures, or ``(figures, level, message)`` with level
    0 OK, 1 WARN, 2 ERROR. The status is named by the node's full name (namespace included).
    """
    pub = node.create_publisher(types.DiagnosticArray, '/diagnostics', 10)

    def tick():
        out = figures()
        values, level, message = out if isinstance(out, tuple) else (out, 0, '')
        now = node.get_clock().now().nanoseconds * 1e-9
        pub.publish(diagnostics_to_msg(now, node.get_fully_qualified_name(), values, types,
                                       level=level, message=message))

    return node.create_timer(period_s, tick)

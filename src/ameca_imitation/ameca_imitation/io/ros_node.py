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

"""Diagnostics the same way from every node of the graph: its figures on /diagnostics."""

from typing import Callable

from ameca_imitation.io.ros_convert import diagnostics_to_msg, RosTypes


def publish_diagnostics(node, types: RosTypes, figures: Callable, period_s: float = 1.0):
    """
    Publish ``figures()`` on /diagnostics every ``period_s`` s from ``node``; return the timer.

    ``figures()`` returns a dict of named figures, or ``(figures, level, message)`` with level
    0 OK, 1 WARN, 2 ERROR. The status is named by the node's full name (namespace included).
    Duck-typed over the node (an rclpy ``Node``), so the library never imports rclpy.
    """
    pub = node.create_publisher(types.DiagnosticArray, '/diagnostics', 10)

    def tick():
        out = figures()
        values, level, message = out if isinstance(out, tuple) else (out, 0, '')
        now = node.get_clock().now().nanoseconds * 1e-9
        pub.publish(diagnostics_to_msg(now, node.get_fully_qualified_name(), values, types,
                                       level=level, message=message))

    return node.create_timer(period_s, tick)

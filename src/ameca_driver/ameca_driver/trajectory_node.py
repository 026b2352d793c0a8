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

"""trajectory_node: policy/controls (camera rate) -> ameca/command (robot rate, smooth, safe)."""

import dataclasses

from ameca_imitation.controls import ControlSchema
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.ros_node import publish_diagnostics, run
from ameca_imitation.io.stats import RateLatency
from ameca_imitation.trajectory import TrajectoryConfig, TrajectoryStage
from ameca_imitation.types import ControlVector
from ameca_imitation_msgs.msg import ControlVector as ControlVectorMsg
import rclpy
import rclpy.executors  # noqa: F401 - run() reads ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import QoSProfile, ReliabilityPolicy


class TrajectoryNode(Node):

    def __init__(self):
        super().__init__('trajectory_node')
        self.declare_parameter('rate_hz', 50.0)
        self.declare_parameter('keepalive_s', 2.0)
        config = dataclasses.replace(TrajectoryConfig.load(),
                                     rate_hz=float(self.get_parameter('rate_hz').value),
                                     keepalive_s=float(self.get_parameter('keepalive_s').value))
        self._schema = ControlSchema.default()
        self._stage = TrajectoryStage(self._schema, config)
        self._diag_before = dataclasses.replace(self._stage.diagnostics)
        self._types = rc.ros_message_types()
        self._stamp = None
        self._stats = RateLatency()
        commands = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE)
        self._pub = self.create_publisher(ControlVectorMsg, 'ameca/command', commands)
        self.create_subscription(ControlVectorMsg, 'policy/controls', self._on_controls, 10)
        self.create_timer(1.0 / config.rate_hz, self._tick)
        publish_diagnostics(self, self._types, self._figures)

    def _now(self) -> float:
        return self.get_clock().now().nanoseconds * 1e-9

    def _on_controls(self, msg):
        try:
            cv = rc.control_vector_from_msg(msg)
        except ValueError as err:
            self.get_logger().warning(f'rejected a control vector: {err}')
            return
        if cv.normalised:
            self.get_logger().warning('rejected a normalised control vector (native expected)')
            return
        if self._stage.push_named(cv.stamp, cv.names, cv.values, self._now()):
            self._stamp = cv.stamp

    def _tick(self):
        now = self._now()
        values = self._stage.tick(now)
        # The stamp is that of the newest camera frame the command answers (now when idle).
        stamp = now if self._stage.idle or self._stamp is None else self._stamp
        self._pub.publish(rc.control_vector_to_msg(
            ControlVector(stamp, self._schema.names, values), self._types))
        self._stats.add(now, stamp)

    def _figures(self):
        d = self._stage.diagnostics
        # WARN while some inputs are rejected, ERROR while all are: judged over the last period.
        level = d.level_since(self._diag_before)
        self._diag_before = dataclasses.replace(d)
        figures = dict(self._stats.summary(), accepted=d.accepted, rejected=d.rejected_invalid,
                       out_of_order=d.rejected_out_of_order, clock_jumps=d.clock_jumps,
                       keepalive=d.keepalive_events, idle=self._stage.idle)
        return figures, level, d.last_error if level else ''


def main(args=None):
    return run(rclpy, TrajectoryNode, args)

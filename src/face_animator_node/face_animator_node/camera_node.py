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
camera_node: publishes frames of a camera, video file or image folder on camera/image_raw.

A file or folder starts playing once ``wait_for_subscribers`` nodes listen (the motion node by
default), so its first frames are not lost while the graph starts; a camera never waits.
"""

import time

from ameca_imitation.capture import open_source
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.ros_node import publish_diagnostics, run
from ameca_imitation.io.stats import RateLatency
import rclpy
import rclpy.executors  # noqa: F401 - run() reads ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data
from sensor_msgs.msg import Image


SETTLE_S = 0.5


class CameraNode(Node):

    def __init__(self):
        super().__init__('camera_node')
        self.declare_parameter('source', 'camera:0')
        self.declare_parameter('fps', 30.0)
        self.declare_parameter('loop', True)
        self.declare_parameter('frame_id', 'camera')
        self.declare_parameter('wait_for_subscribers', 1)
        self._types = rc.ros_message_types()
        self._pub = self.create_publisher(Image, 'camera/image_raw', qos_profile_sensor_data)
        self._source = None
        self._stats = RateLatency()
        self._published = 0
        self._open()
        self._waiting = not getattr(self._source, 'camera', False)   # the first play only
        self._listeners_since = None
        fps = float(self.get_parameter('fps').value)
        if getattr(self._source, 'camera', False):
            fps = self._source.fps
        self._timer = self.create_timer(1.0 / fps, self._tick)
        publish_diagnostics(self, self._types,
                            lambda: dict(self._stats.summary(), published=self._published))

    def _open(self):
        spec = self.get_parameter('source').value
        if self._source is not None:
            self._source.close()
        self._source = open_source(spec, fps=float(self.get_parameter('fps').value))
        self._frames = iter(self._source)
        self.get_logger().info(f'publishing {spec} on camera/image_raw')

    def _tick(self):
        if self._waiting:
            now = time.monotonic()
            if self._pub.get_subscription_count() < self.get_parameter(
                    'wait_for_subscribers').value:
                self._listeners_since = None
                return
            # This side sees the listeners before their side has matched this publisher:
            # frames sent at once are lost (best effort), so give discovery a moment.
            self._listeners_since = self._listeners_since or now
            if now - self._listeners_since < SETTLE_S:
                return
            self._waiting = False
        try:
            frame = next(self._frames)
        except StopIteration:
            if self.get_parameter('loop').value:
                self._open()
            else:
                self.get_logger().info('end of input')
                self._timer.cancel()
            return
        now = self.get_clock().now().nanoseconds * 1e-9
        self._pub.publish(rc.image_to_msg(frame.image, now, self._types,
                                          self.get_parameter('frame_id').value))
        self._published += 1
        self._stats.add(now)

    def destroy_node(self):
        if self._source is not None:
            self._source.close()
        return super().destroy_node()


def main(args=None):
    return run(rclpy, CameraNode, args)

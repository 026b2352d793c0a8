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
animator_node: face/observation -> animator/image, Ameca's neutral face moved by the person.

The source is the virtual Ameca's neutral render; the weight-free landmark animator warps it
with the person's relative motion (expression and head rotation since their neutral). A frame
is animated only while someone subscribes to animator/image (the image policy, or a viewer).
"""

from ameca_imitation.animation import AnimatorStage
from ameca_imitation.controls import ControlSchema
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.ros_node import publish_diagnostics, run
from ameca_imitation.io.stats import RateLatency
from ameca_imitation.twin import TwinRenderer
from ameca_imitation_msgs.msg import FaceObservation
import rclpy
import rclpy.executors  # noqa: F401 - run() reads ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data, QoSProfile
from sensor_msgs.msg import Image


class AnimatorNode(Node):

    def __init__(self):
        super().__init__('animator_node')
        self.declare_parameter('size', 256)
        schema = ControlSchema.default()
        source = TwinRenderer(schema, size=int(self.get_parameter('size').value)).render(
            schema.neutral)
        self._stage = AnimatorStage(source.image, source.landmarks)
        self._types = rc.ros_message_types()
        self._pub = self.create_publisher(Image, 'animator/image', qos_profile_sensor_data)
        self.create_subscription(FaceObservation, 'face/observation', self._on_observation,
                                 QoSProfile(depth=1))
        self._stats = RateLatency()
        self._skipped = self._published = 0
        publish_diagnostics(self, self._types, lambda: dict(
            self._stats.summary(), published=self._published, unwatched=self._skipped))

    def _on_observation(self, msg):
        if self._pub.get_subscription_count() == 0:
            self._skipped += 1
            return
        obs = rc.observation_from_msg(msg)
        self._pub.publish(rc.image_to_msg(self._stage(obs), obs.stamp, self._types, 'ameca'))
        self._published += 1
        self._stats.add(self.get_clock().now().nanoseconds * 1e-9, obs.stamp)


def main(args=None):
    return run(rclpy, AnimatorNode, args)

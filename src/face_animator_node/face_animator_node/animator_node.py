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
animator_node: face/observation (+ camera/image_raw) -> animator/image, Ameca's face moved.

The source is the virtual Ameca's neutral render (or the photo of ``animator_source``). The
animator is a parameter: the weight-free landmark warp (default) or a learned model
(``liveportrait``, ``fomm``, ``face_vid2vid``, ``monkey_net``) with ``animator_weights``; the
learned ones also read the camera frame of each observation (matched by stamp). Work goes
through a one-slot buffer to a worker thread: a slow animator takes the newest observation and
drops the rest (/diagnostics: achieved rate, dropped). A frame is animated only while someone
subscribes to animator/image (the image policy, or a viewer).
"""

import threading

from ameca_imitation.animation import AnimatorConfig, AnimatorStage
from ameca_imitation.config import from_mapping
from ameca_imitation.controls import ControlSchema
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.ros_node import publish_diagnostics, run
from ameca_imitation.io.slot import LatestSlot
from ameca_imitation.io.stamped import RecentByStamp
from ameca_imitation.io.stats import RateLatency
from ameca_imitation.paths import find_weights
from ameca_imitation.twin import TwinRenderer
from ameca_imitation_msgs.msg import FaceObservation
import rclpy
import rclpy.executors  # noqa: F401 - run() reads ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data, QoSProfile
from sensor_msgs.msg import Image

FRAMES_KEPT = 30     # camera frames waiting for their observation (one second at 30 fps)


class AnimatorNode(Node):

    def __init__(self):
        super().__init__('animator_node')
        self.declare_parameter('size', 256)
        self.declare_parameter('animator', 'landmark_warp')
        self.declare_parameter('animator_weights', '')
        self.declare_parameter('animator_source', '')
        self.declare_parameter('relative', True)
        self.declare_parameter('stitching', True)
        self.declare_parameter('half', False)
        weights = self.get_parameter('animator_weights').value
        config = from_mapping(AnimatorConfig, {
            'model': self.get_parameter('animator').value,
            'weights': str(find_weights(weights)) if weights else '',
            'source': self.get_parameter('animator_source').value,
            'relative': self.get_parameter('relative').value,
            'stitching': self.get_parameter('stitching').value,
            'half': self.get_parameter('half').value}, 'animator_node')
        schema = ControlSchema.default()
        source = TwinRenderer(schema, size=int(self.get_parameter('size').value)).render(
            schema.neutral)
        self._stage = AnimatorStage(source.image, source.landmarks, config)
        self._types = rc.ros_message_types()
        self._pub = self.create_publisher(Image, 'animator/image', qos_profile_sensor_data)
        self.create_subscription(FaceObservation, 'face/observation', self._on_observation,
                                 QoSProfile(depth=1))
        self._frames = RecentByStamp(FRAMES_KEPT)     # camera messages, learned animators only
        if config.learned:
            self.create_subscription(Image, 'camera/image_raw', self._on_image,
                                     qos_profile_sensor_data)
        self._stats = RateLatency()
        self._slot = LatestSlot()
        self._skipped = self._published = self._no_frame = 0
        publish_diagnostics(self, self._types, lambda: dict(
            self._stats.summary(), animator=config.model, published=self._published,
            unwatched=self._skipped, dropped=self._slot.dropped, no_frame=self._no_frame))
        self._running = True
        self._worker = threading.Thread(target=self._work, daemon=True)
        self._worker.start()

    def _on_image(self, msg):
        self._frames.put(rc.stamp_of(msg), msg)

    def _on_observation(self, msg):
        if self._pub.get_subscription_count() == 0:
            self._skipped += 1
            return
        self._slot.put(msg)

    def _work(self):
        while self._running:
            msg = self._slot.take(timeout=0.5)
            if msg is None:
                continue
            try:
                self._animate(msg)
            except Exception:   # noqa: B902
                if not self.context.ok():        # SIGINT: the context went first
                    return
                raise

    def _animate(self, msg) -> None:
        obs = rc.observation_from_msg(msg)
        image = None
        if self._stage.config.learned and obs.face_found:
            frame = self._frames.get(obs.stamp)
            if frame is None:
                self._no_frame += 1
                return
            image = rc.image_from_msg(frame)
        self._pub.publish(rc.image_to_msg(self._stage(obs, image), obs.stamp, self._types,
                                          'ameca'))
        self._published += 1
        self._stats.add(self.get_clock().now().nanoseconds * 1e-9, obs.stamp)

    def destroy_node(self):
        self._running = False
        self._worker.join(timeout=2.0)
        return super().destroy_node()


def main(args=None):
    return run(rclpy, AnimatorNode, args)

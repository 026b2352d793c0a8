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
motion_node: camera/image_raw -> face/observation, face/keypoints, face/debug_image, face/motion.

Frames go through a one-slot buffer to a worker thread, so the newest frame is always the one
processed and the subscription callback never blocks. The debug image is drawn only while
someone subscribes to it. With ``motion_extractor`` (a LivePortrait motion extractor: the
official folder or an ameca-train-animator folder) it also publishes face/motion, the implicit
motion of each frame with a face, after the frame's observation.
"""

import threading

from ameca_imitation.animation.implicit_motion import ImplicitMotion
from ameca_imitation.controls import ControlSchema
from ameca_imitation.face.draw import draw_observation
from ameca_imitation.face.motion import MotionConfig, MotionStage
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.ros_node import publish_diagnostics, run
from ameca_imitation.io.slot import LatestSlot
from ameca_imitation.io.stats import RateLatency
from ameca_imitation.paths import find_weights
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.types import Frame
from ameca_imitation_msgs.msg import FaceObservation, Keypoints, MotionState
import rclpy
import rclpy.executors  # noqa: F401 - run() reads ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data, QoSProfile
from sensor_msgs.msg import Image
from std_srvs.srv import Trigger


class MotionNode(Node):

    def __init__(self):
        super().__init__('motion_node')
        self.declare_parameter('publish_debug_image', True)
        self.declare_parameter('max_faces', 3)
        self.declare_parameter('calibration_frames', 15)
        self.declare_parameter('motion_extractor', '')
        self.declare_parameter('hands_hide_face', True)
        config = MotionConfig()
        config.occlusion.enabled = bool(self.get_parameter('hands_hide_face').value)
        config.landmarks.max_faces = int(self.get_parameter('max_faces').value)
        config.features.calibration_frames = int(self.get_parameter('calibration_frames').value)
        self._stage = MotionStage(config)
        self._implicit = None
        extractor = self.get_parameter('motion_extractor').value
        if extractor:
            schema = ControlSchema.default()
            twin = TwinRenderer(schema, size=256).render(schema.neutral)
            self._implicit = ImplicitMotion(find_weights(extractor), twin.landmarks, 256)
        self._types = rc.ros_message_types()
        self._stats = RateLatency()
        self._slot = LatestSlot()
        keep_newest = QoSProfile(depth=1)
        self._obs_pub = self.create_publisher(FaceObservation, 'face/observation', keep_newest)
        self._kp_pub = self.create_publisher(Keypoints, 'face/keypoints', keep_newest)
        self._debug_pub = self.create_publisher(Image, 'face/debug_image', qos_profile_sensor_data)
        self._motion_pub = (self.create_publisher(MotionState, 'face/motion', keep_newest)
                            if self._implicit is not None else None)
        self._received = self._debug_images = 0
        self.create_subscription(Image, 'camera/image_raw', self._on_image,
                                 qos_profile_sensor_data)
        self.create_service(Trigger, 'face/recalibrate', self._recalibrate)
        publish_diagnostics(self, self._types, lambda: dict(
            self._stats.summary(), received=self._received, dropped_frames=self._slot.dropped,
            debug_images=self._debug_images))
        self._running = True
        self._worker = threading.Thread(target=self._work, daemon=True)
        self._worker.start()

    def _on_image(self, msg):
        self._received += 1
        self._slot.put(msg)

    def _work(self):
        index = 0
        while self._running:
            msg = self._slot.take(timeout=0.5)
            if msg is None:
                continue
            try:
                index += self._process(msg, index)
            except Exception:   # noqa: B902
                # SIGINT shuts the context down before destroy_node stops this thread: a
                # publish on the dead context is the end of the run, not an error.
                if not self.context.ok():
                    return
                raise

    def _process(self, msg, index: int) -> int:
        """Measure one camera message and publish; return 1 if it was a usable frame."""
        try:
            image = rc.image_from_msg(msg)
        except ValueError as err:
            self.get_logger().warning(f'dropped a frame: {err}')
            return 0
        if image.ndim == 2:
            self.get_logger().warning('mono images are not supported; dropped a frame')
            return 0
        frame = Frame(image, rc.stamp_of(msg), index)
        obs, kps = self._stage.process(frame)
        self._obs_pub.publish(rc.observation_to_msg(obs, self._types))
        if kps is not None:
            self._kp_pub.publish(rc.keypoints_to_msg(kps, self._types))
        if self._implicit is not None and obs.face_found:
            state = self._implicit(image, obs.landmarks, obs.track_id, frame.stamp)
            self._motion_pub.publish(rc.motion_state_to_msg(state, self._types))
        if (self.get_parameter('publish_debug_image').value
                and self._debug_pub.get_subscription_count() > 0):
            self._debug_pub.publish(rc.image_to_msg(draw_observation(image, obs), frame.stamp,
                                                    self._types))
            self._debug_images += 1
        self._stats.add(self.get_clock().now().nanoseconds * 1e-9, frame.stamp)
        return 1

    def _recalibrate(self, request, response):
        self._stage.recalibrate()
        if self._implicit is not None:
            self._implicit.reset()
        response.success = True
        response.message = 'neutral face will be measured again'
        return response

    def destroy_node(self):
        self._running = False
        self._worker.join(timeout=2.0)
        self._stage.close()
        return super().destroy_node()


def main(args=None):
    return run(rclpy, MotionNode, args)

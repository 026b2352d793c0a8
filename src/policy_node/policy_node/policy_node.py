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
policy_node: the person's motion (or the animated Ameca image) -> policy/controls.

``mode: feature`` reads face/observation; ``mode: motion`` reads face/motion (LivePortrait's
implicit motion) with the observation of the same frame; ``mode: image`` reads animator/image
with the observation of the same frame. Either way the output is a native ControlVector stamped
with the camera frame it answers; the controls of a part a hand hides ease to neutral.
"""

from ameca_imitation.controls import ControlSchema
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.ros_node import publish_diagnostics, run
from ameca_imitation.io.stamped import RecentByStamp
from ameca_imitation.io.stats import RateLatency
from ameca_imitation.paths import find_weights
from ameca_imitation.policy import make_policy
from ameca_imitation.policy.hidden_parts import HiddenPartsRest
from ameca_imitation.types import ControlVector
from ameca_imitation_msgs.msg import (ControlVector as ControlVectorMsg, FaceObservation,
                                      MotionState)
import rclpy
import rclpy.executors  # noqa: F401 - run() reads ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import qos_profile_sensor_data, QoSProfile
from sensor_msgs.msg import Image
import torch

OBSERVATIONS_KEPT = 30       # observations waiting for their motion state or image


class PolicyNode(Node):

    def __init__(self):
        super().__init__('policy_node')
        self.declare_parameter('mode', 'feature')
        self.declare_parameter('policy', 'feature')
        self.declare_parameter('weights', '')
        self.declare_parameter('torch_threads', 1)
        # The graph's nodes share the cores: torch's own thread pool spinning between frames
        # took 40 % of a core for a 1 ms network (bench_ros_graph.py).
        torch.set_num_threads(int(self.get_parameter('torch_threads').value))
        mode = self.get_parameter('mode').value
        if mode not in ('feature', 'motion', 'image'):
            raise ValueError("policy_node: mode must be 'feature', 'motion' or 'image', got "
                             f'{mode!r}')
        self._schema = ControlSchema.default()
        weights = self.get_parameter('weights').value
        self._policy = make_policy(self.get_parameter('policy').value, self._schema,
                                   str(find_weights(weights)) if weights else None)
        if self._policy.input_kind != mode:
            raise ValueError(f'policy {self.get_parameter("policy").value!r} reads '
                             f'{self._policy.input_kind} input, but mode is {mode!r}')
        self._rest = HiddenPartsRest(self._schema, mirror=getattr(self._policy, 'mirror', False))
        self._types = rc.ros_message_types()
        self._pub = self.create_publisher(ControlVectorMsg, 'policy/controls', 10)
        self._stats = RateLatency()
        publish_diagnostics(self, self._types, self._stats.summary)
        self._observations = RecentByStamp(OBSERVATIONS_KEPT)     # motion and image modes
        if mode == 'feature':
            self.create_subscription(FaceObservation, 'face/observation', self._on_observation,
                                     QoSProfile(depth=1))
            return
        # Each motion state or animated image answers the observation of the same frame
        # (published first): it says whether a face is there, whose it is and what a hand hides.
        self.create_subscription(FaceObservation, 'face/observation', self._keep_observation,
                                 QoSProfile(depth=10))
        if mode == 'motion':
            self.create_subscription(MotionState, 'face/motion', self._on_motion,
                                     QoSProfile(depth=1))
        else:
            self.create_subscription(Image, 'animator/image', self._on_image,
                                     qos_profile_sensor_data)

    def _publish(self, stamp, obs, values):
        if obs is not None:
            values = self._rest(obs, values)
        if values is not None:
            cv = ControlVector(stamp, self._schema.names, values)
            self._pub.publish(rc.control_vector_to_msg(cv, self._types))
            self._stats.add(self.get_clock().now().nanoseconds * 1e-9, stamp)

    def _on_observation(self, msg):
        obs = rc.observation_from_msg(msg)
        self._publish(obs.stamp, obs, self._policy(obs))

    def _keep_observation(self, msg):
        self._observations.put(rc.stamp_of(msg), msg)

    def _on_motion(self, msg):
        obs = self._observations.get(rc.stamp_of(msg))
        if obs is None:
            return
        try:
            state, obs = rc.motion_state_from_msg(msg), rc.observation_from_msg(obs)
            values = self._policy(obs, state)
        except ValueError as err:          # another extractor's states: nothing to answer
            self.get_logger().warning(f'dropped a motion state: {err}',
                                      throttle_duration_sec=5.0)
            return
        self._publish(state.stamp, obs, values)

    def _on_image(self, msg):
        # An image whose observation was missed is still answered, only without the rest.
        stamp = rc.stamp_of(msg)
        obs = self._observations.get(stamp)
        obs = None if obs is None else rc.observation_from_msg(obs)
        self._publish(stamp, obs, self._policy(rc.image_from_msg(msg)))


def main(args=None):
    return run(rclpy, PolicyNode, args)

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
driver_node: a lifecycle node that sends ameca/command to the robot or the virtual Ameca.

Transitions (``ros2 lifecycle set /driver_node <transition>``):
  configure   open the backend (bind the ZeroMQ port / build the renderer); nothing is sent
  activate    start forwarding commands (validated, clamped)
  deactivate  send neutral, stop forwarding
  cleanup     close the backend (after sending neutral)
  shutdown    send neutral if possible, close
Each returns SUCCESS, or FAILURE with a logged reason (e.g. the port is taken).

While active, commands that stop for ``keepalive_s`` (the trajectory node died or hangs) are
replaced by the driver's own easing to neutral within the actuator limits. The twin backend's
image is rendered at ``twin_image_hz`` and only while someone subscribes to ameca/twin_image.
"""

import time

from ameca_imitation.controls import ControlError, ControlSchema
from ameca_imitation.driver import CommandWatchdog, make_driver
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.ros_node import publish_diagnostics, run
from ameca_imitation.io.stats import RateLatency
from ameca_imitation_msgs.msg import ControlVector as ControlVectorMsg
import rclpy
import rclpy.executors  # noqa: F401 - run() reads ExternalShutdownException
from rclpy.lifecycle import LifecycleNode, TransitionCallbackReturn
from rclpy.qos import qos_profile_sensor_data, QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Image


class DriverNode(LifecycleNode):

    def __init__(self):
        super().__init__('driver_node')
        self.declare_parameter('backend', 'twin')
        self.declare_parameter('bind', 'tcp://127.0.0.1:5555')
        self.declare_parameter('twin_size', 256)
        self.declare_parameter('twin_image_hz', 10.0)
        self.declare_parameter('keepalive_s', 0.25)
        self.declare_parameter('rate_hz', 50.0)
        self._schema = ControlSchema.default()
        self._types = rc.ros_message_types()
        self._driver = None
        self._active = False
        self._twin_pub = None
        self._stats = RateLatency()
        self._sent = self._refused = self._twin_images = 0
        rate = float(self.get_parameter('rate_hz').value)
        self._watchdog = CommandWatchdog(self._schema,
                                         float(self.get_parameter('keepalive_s').value), rate)
        commands = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE)
        self.create_subscription(ControlVectorMsg, 'ameca/command', self._on_command, commands)
        self.create_timer(1.0 / rate, self._keepalive)
        self.create_timer(1.0 / float(self.get_parameter('twin_image_hz').value),
                          self._publish_twin)
        publish_diagnostics(self, self._types, self._figures)

    def on_configure(self, state) -> TransitionCallbackReturn:
        backend = self.get_parameter('backend').value
        options = ({'bind': self.get_parameter('bind').value} if backend == 'zmq'
                   else {'size': int(self.get_parameter('twin_size').value)})
        try:
            self._driver = make_driver(backend, self._schema, **options)
            self._driver.connect()
        except Exception as err:   # noqa: B902 - any backend failure fails the transition
            self.get_logger().error(f'cannot open the {backend} backend: {err}')
            self._driver = None
            return TransitionCallbackReturn.FAILURE
        if backend == 'twin':
            self._twin_pub = self.create_publisher(Image, 'ameca/twin_image',
                                                   qos_profile_sensor_data)
        self.get_logger().info(f'{backend} backend ready')
        return TransitionCallbackReturn.SUCCESS

    def on_activate(self, state) -> TransitionCallbackReturn:
        self._watchdog.reset()
        self._active = True
        return TransitionCallbackReturn.SUCCESS

    def on_deactivate(self, state) -> TransitionCallbackReturn:
        self._active = False
        self._send_neutral()
        return TransitionCallbackReturn.SUCCESS

    def on_cleanup(self, state) -> TransitionCallbackReturn:
        self._close()
        return TransitionCallbackReturn.SUCCESS

    def on_shutdown(self, state) -> TransitionCallbackReturn:
        self._active = False
        self._close()
        return TransitionCallbackReturn.SUCCESS

    def on_error(self, state) -> TransitionCallbackReturn:
        self._active = False
        self._close()
        return TransitionCallbackReturn.SUCCESS

    def _now(self) -> float:
        return self.get_clock().now().nanoseconds * 1e-9

    def _send_neutral(self):
        if self._driver is not None and self._driver.connected:
            self._driver.send(self._now(), self._schema.neutral)

    def _close(self):
        if self._twin_pub is not None:
            self.destroy_publisher(self._twin_pub)
            self._twin_pub = None
        if self._driver is not None:
            self._driver.disconnect(self._now())     # sends neutral first
            self._driver = None

    def _on_command(self, msg):
        if not self._active or self._driver is None:
            return
        try:
            cv = rc.control_vector_from_msg(msg)
            values = self._schema.from_named(cv.names, cv.values)
        except (ControlError, ValueError) as err:
            self._refused += 1
            self.get_logger().warning(f'refused a command: {err}')
            return
        sent = self._driver.send(cv.stamp, values)
        self._watchdog.command(time.monotonic(), sent)
        self._sent += 1
        self._stats.add(self._now(), cv.stamp)

    def _keepalive(self):
        if not self._active or self._driver is None:
            return
        events = self._watchdog.events
        eased = self._watchdog.tick(time.monotonic())
        if self._watchdog.events > events:
            self.get_logger().warning(f'no command for {self._watchdog.timeout_s:.2f} s: '
                                      'easing to neutral')
        if eased is not None:
            self._driver.send(self._now(), eased)

    def _publish_twin(self):
        if self._twin_pub is None or self._twin_pub.get_subscription_count() == 0:
            return
        image = self._driver.last_image if self._driver is not None else None
        if image is not None:
            self._twin_pub.publish(rc.image_to_msg(image, self._driver.last_stamp, self._types,
                                                   'ameca'))
            self._twin_images += 1

    def _figures(self):
        figures = dict(self._stats.summary(), sent=self._sent, refused=self._refused,
                       active=self._active, keepalive=self._watchdog.events,
                       easing=self._watchdog.easing, twin_images=self._twin_images)
        if self._active and self._watchdog.easing:
            return figures, 1, f'no command for {self._watchdog.timeout_s:.2f} s: easing'
        return figures


def main(args=None):
    return run(rclpy, DriverNode, args)

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
The whole graph on a real ROS 2 machine (Humble/Jazzy): launch it on a face clip, expect commands.

Skipped where ROS 2 is absent (launch_testing and rclpy are not installable there).
"""

import os
import time
import unittest

from ameca_imitation.io.media import fetch_clip
import pytest

pytest.importorskip('launch_testing')
pytest.importorskip('rclpy')


@pytest.mark.launch_test
def generate_test_description():
    from ament_index_python.packages import get_package_share_directory
    from launch import LaunchDescription
    from launch.actions import IncludeLaunchDescription
    from launch.launch_description_sources import PythonLaunchDescriptionSource
    import launch_testing.actions
    launch_file = os.path.join(get_package_share_directory('ameca_imitation'), 'launch',
                               'imitation.launch.py')
    graph = IncludeLaunchDescription(
        PythonLaunchDescriptionSource(launch_file),
        launch_arguments={'input': str(fetch_clip('single_face.mp4')), 'driver': 'twin',
                          'mode': 'feature'}.items())
    return LaunchDescription([graph, launch_testing.actions.ReadyToTest()])


class TestGraph(unittest.TestCase):

    def test_faces_in_commands_out(self):
        from ameca_imitation_msgs.msg import ControlVector, FaceObservation
        import rclpy
        rclpy.init()
        node = rclpy.create_node('graph_probe')
        faces, commands = [], []
        node.create_subscription(FaceObservation, 'face/observation', faces.append, 10)
        node.create_subscription(ControlVector, 'ameca/command', commands.append, 10)
        end = time.monotonic() + 60
        while time.monotonic() < end and (len(commands) < 100 or not faces):
            rclpy.spin_once(node, timeout_sec=0.1)
        node.destroy_node()
        rclpy.shutdown()
        self.assertTrue(any(f.face_found for f in faces))
        self.assertGreaterEqual(len(commands), 100)
        self.assertEqual(len(commands[-1].names), 30)

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
Launch the imitation graph: camera -> motion -> (animator) -> policy -> trajectory -> driver.

    ros2 launch ameca_imitation imitation.launch.py input:=camera:0
    ros2 launch ameca_imitation imitation.launch.py input:=/path/clip.mp4 driver:=zmq \
        robot_address:=tcp://0.0.0.0:5555 mode:=feature namespace:=ameca

Include it in a larger stack with IncludeLaunchDescription and the same arguments. The driver is
a lifecycle node: with ``autostart:=true`` (default) it is configured and activated here;
otherwise drive it with ``ros2 lifecycle set``.
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import (DeclareLaunchArgument, EmitEvent, RegisterEventHandler,
                            SetEnvironmentVariable)
from launch.conditions import IfCondition
from launch.substitutions import EnvironmentVariable, LaunchConfiguration, PythonExpression
from launch_ros.actions import LifecycleNode, Node, PushRosNamespace
from launch_ros.event_handlers import OnStateTransition
from launch_ros.events.lifecycle import ChangeState
from lifecycle_msgs.msg import Transition

ARGUMENTS = {
    'input': ('camera:0', 'video file, camera:N or image folder'),
    'mode': ('feature', 'policy input: feature (face/observation), motion (face/motion) or '
                        'image (animator/image)'),
    'motion_extractor': ('', 'LivePortrait motion extractor folder: motion_node publishes '
                             'face/motion (mode motion needs it)'),
    'policy': ('feature', 'feature (default, best on people) | retarget | mesh | motion | image '
                          '| x2cnet'),
    'weights': ('', 'checkpoint folder of a learned policy (empty: shipped default)'),
    'animator': ('landmark_warp', 'landmark_warp (no weights) | liveportrait | fomm | '
                                  'face_vid2vid | monkey_net'),
    'animator_weights': ('', 'weights of a learned animator (file or folder)'),
    'driver': ('twin', 'twin (virtual Ameca) or zmq (the robot bridge)'),
    'robot_address': ('tcp://127.0.0.1:5555', 'ZeroMQ bind address of the zmq driver'),
    'namespace': ('', 'namespace for every node and topic'),
    'twin': ('true', 'run the animator node and publish images for rviz even in feature mode'),
    'autostart': ('true', 'configure and activate the driver lifecycle node'),
    'rviz': ('false', 'start rviz2 with the camera, debug, animated and twin images'),
    'params_file': ('', 'node parameters (default: the installed config/imitation.yaml)'),
    'fastdds_profile': ('', "Fast DDS profile for every node (default: the environment's "
                            'FASTDDS_DEFAULT_PROFILES_FILE, else config/fastdds_shm.xml)'),
}


def generate_launch_description():
    share = get_package_share_directory('ameca_imitation')
    default_params = os.path.join(share, 'config', 'imitation.yaml')
    args = [DeclareLaunchArgument(name, default_value=default, description=text)
            for name, (default, text) in ARGUMENTS.items()]
    arg = LaunchConfiguration
    params_file = PythonExpression(["'", arg('params_file'), "' or '", default_params, "'"])
    # Camera frames need shared memory between the nodes of one machine (config/fastdds_shm.xml).
    shm = os.path.join(share, 'config', 'fastdds_shm.xml')
    profile = PythonExpression(["'", arg('fastdds_profile'), "' or '", EnvironmentVariable(
        'FASTDDS_DEFAULT_PROFILES_FILE', default_value=shm), "'"])

    def node(package, executable, overrides=None, **kwargs):
        return Node(package=package, executable=executable, name=executable, output='screen',
                    parameters=[params_file] + ([overrides] if overrides else []), **kwargs)

    driver = LifecycleNode(
        package='ameca_driver', executable='driver_node', name='driver_node', namespace='',
        output='screen', parameters=[params_file, {'backend': arg('driver'),
                                                   'bind': arg('robot_address')}])
    is_driver = lambda action: action == driver   # noqa: E731
    configure = EmitEvent(event=ChangeState(lifecycle_node_matcher=is_driver,
                                            transition_id=Transition.TRANSITION_CONFIGURE),
                          condition=IfCondition(arg('autostart')))
    activate = RegisterEventHandler(
        OnStateTransition(target_lifecycle_node=driver, goal_state='inactive',
                          entities=[EmitEvent(event=ChangeState(
                              lifecycle_node_matcher=is_driver,
                              transition_id=Transition.TRANSITION_ACTIVATE))]),
        condition=IfCondition(arg('autostart')))
    run_animator = PythonExpression(["'", arg('mode'), "' == 'image' or '", arg('twin'),
                                     "' == 'true'"])
    return LaunchDescription(args + [
        SetEnvironmentVariable('FASTDDS_DEFAULT_PROFILES_FILE', profile),
        PushRosNamespace(arg('namespace')),
        node('face_animator_node', 'camera_node', {'source': arg('input')}),
        node('face_animator_node', 'motion_node', {'motion_extractor': arg('motion_extractor')}),
        node('face_animator_node', 'animator_node', {
            'animator': arg('animator'), 'animator_weights': arg('animator_weights')},
            condition=IfCondition(run_animator)),
        node('policy_node', 'policy_node', {'mode': arg('mode'), 'policy': arg('policy'),
                                            'weights': arg('weights')}),
        node('ameca_driver', 'trajectory_node'),
        driver, activate, configure,
        Node(package='rviz2', executable='rviz2', name='rviz2',
             arguments=['-d', os.path.join(share, 'launch', 'imitation.rviz')],
             condition=IfCondition(arg('rviz'))),
    ])

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
The whole graph under real rclpy: every node of the launch file as its own process, the real clip.

One graph run (zmq driver, a namespace, the launch file's defaults otherwise) is shared by the
tests of this module, in order; a real ZeroMQ subscriber stands where the robot's bridge would.
"""

import json
from pathlib import Path
import signal
import time

from ameca_imitation.controls import ControlSchema
from ameca_imitation.io.media import fetch_clip
from ameca_imitation.io.ros_convert import stamp_of
import numpy as np
import pytest
import zmq

from graph import Graph, INSTALL, Probe

NS = '/imitation_test'
PORT = 5617


@pytest.fixture(scope='module')
def robot():
    """A ZeroMQ SUB where the Tritium bridge would be: every vector the driver sends."""
    sock = zmq.Context.instance().socket(zmq.SUB)
    sock.setsockopt(zmq.SUBSCRIBE, b'')
    sock.connect(f'tcp://127.0.0.1:{PORT}')
    received = []

    def drain():
        while sock.poll(0):
            received.append((time.monotonic(), json.loads(sock.recv())))
        return received

    yield drain
    sock.close(linger=0)


@pytest.fixture(scope='module')
def graph(tmp_path_factory):
    assert (INSTALL / 'ameca_imitation_msgs').is_dir(), 'run `make test` (builds install/)'
    from ameca_imitation_msgs.msg import ControlVector, FaceObservation, Keypoints
    from diagnostic_msgs.msg import DiagnosticArray
    from rclpy.qos import qos_profile_sensor_data
    from sensor_msgs.msg import Image
    g = Graph(tmp_path_factory.mktemp('graph_logs'), input=fetch_clip('single_face.mp4'),
              driver='zmq', robot_address=f'tcp://127.0.0.1:{PORT}', namespace=NS,
              autostart='false')
    probe = Probe()
    for topic, kind in [('camera/image_raw', Image), ('face/observation', FaceObservation),
                        ('face/keypoints', Keypoints), ('policy/controls', ControlVector),
                        ('ameca/command', ControlVector)]:
        probe.listen(f'{NS}/{topic}', kind, qos_profile_sensor_data if kind is Image else 10)
    probe.listen('/diagnostics', DiagnosticArray)
    g.start()
    yield g, probe
    probe.close()
    g.stop()


def topic(probe, name):
    return [m for _, m in probe.got.get(f'{NS}/{name}', [])]


def lifecycle(probe, transition: str) -> bool:
    return probe.lifecycle(f'{NS}/driver_node', transition)


def driver_state(probe) -> str:
    return probe.lifecycle_state(f'{NS}/driver_node')


def test_faces_flow_and_nothing_reaches_the_robot_before_activate(graph, robot):
    g, probe = graph
    assert probe.wait_for(lambda: sum(o.face_found for o in topic(probe, 'face/observation'))
                          >= 10 and len(topic(probe, 'policy/controls')) >= 10, 90), \
        {n: g.log(n)[-800:] for n in g.procs}
    assert driver_state(probe) == 'unconfigured'
    assert lifecycle(probe, 'configure')
    time.sleep(1.0)
    assert driver_state(probe) == 'inactive'
    assert robot() == [], 'the driver sent before activate'


def test_active_driver_forwards_commands_with_camera_stamps(graph, robot):
    g, probe = graph
    assert lifecycle(probe, 'activate')
    start = time.monotonic()
    time.sleep(3.0)
    vectors = robot()
    assert 40 <= len(vectors) / (time.monotonic() - start) <= 60    # the 50 Hz command rate
    # Every stamp that reaches the robot is a camera frame's, passed down every stage.
    # (From the first frame the probe saw: discovery may take a moment.)
    cameras = {round(stamp_of(m), 6) for m in topic(probe, 'camera/image_raw')}
    observations = [round(stamp_of(m), 6) for m in topic(probe, 'face/observation')
                    if stamp_of(m) >= min(cameras) - 1e-6]
    policy = [round(stamp_of(m), 6) for m in topic(probe, 'policy/controls')
              if stamp_of(m) >= min(cameras) - 1e-6]
    # (The probe, a Python subscriber sharing two busy cores, itself misses a few 0.7 MB frames:
    # up to 4 % seen in the full suite. The graph's own transport is counted exactly elsewhere.)
    assert np.mean([o in cameras for o in observations]) > 0.9
    # Likewise from the first observation the probe saw (its subscription to each topic is
    # matched on its own, so one topic's first messages may reach it later than another's).
    policy_seen = [p for p in policy if p >= min(observations) - 1e-6]
    assert len(policy_seen) > 20 and np.mean([p in set(observations) for p in policy_seen]) > 0.95
    # A command's stamp is a frame's (a few of which the probe itself may have missed on every
    # topic under load), never the trajectory stage's own clock while it had input.
    frames = cameras | set(observations) | set(policy)
    sent = [round(v[0], 6) for _, v in vectors if v[0] >= min(cameras) - 1e-6]
    assert len(sent) > 50 and np.mean([s in frames for s in sent]) > 0.95, \
        (len(sent), np.mean([s in frames for s in sent]))
    assert all(len(v) == 31 for _, v in vectors)


def test_deactivate_sends_neutral_then_nothing(graph, robot):
    g, probe = graph
    robot()
    assert lifecycle(probe, 'deactivate')
    time.sleep(0.5)
    last = robot()[-1][1]
    np.testing.assert_allclose(last[1:], ControlSchema.default().neutral, atol=1e-6)
    time.sleep(0.5)
    count = len(robot())
    time.sleep(0.5)
    assert len(robot()) == count
    assert lifecycle(probe, 'activate')


def test_recalibrate_service(graph):
    from std_srvs.srv import Trigger
    g, probe = graph
    assert probe.call(Trigger, f'{NS}/face/recalibrate', Trigger.Request()).success


def test_every_node_publishes_diagnostics(graph):
    g, probe = graph
    names = {f'{NS}/{n}' for n in g.procs}
    assert probe.wait_for(lambda: names <= probe.diagnosed(), 5), names - probe.diagnosed()


# DESIGN.md section 2: who publishes and who subscribes each topic (feature mode, zmq driver).
# /face/motion is not here: only a LivePortrait motion extractor produces it.
CONTRACT = {
    'camera/image_raw': ({'camera_node'}, {'motion_node'}),
    'face/observation': ({'motion_node'}, {'animator_node', 'policy_node'}),
    'face/keypoints': ({'motion_node'}, set()),
    'face/debug_image': ({'motion_node'}, set()),
    'animator/image': ({'animator_node'}, set()),
    'policy/controls': ({'policy_node'}, {'trajectory_node'}),
    'ameca/command': ({'trajectory_node'}, {'driver_node'}),
}


@pytest.mark.parametrize('name', CONTRACT)
def test_publishers_and_subscribers_as_designed(graph, name):
    g, probe = graph
    publishers, subscribers = CONTRACT[name]

    def nodes(infos):
        return {i.node_name for i in infos if i.node_namespace == NS}
    assert nodes(probe.node.get_publishers_info_by_topic(f'{NS}/{name}')) == publishers
    assert nodes(probe.node.get_subscriptions_info_by_topic(f'{NS}/{name}')) == subscribers
    diagnostics = nodes(probe.node.get_publishers_info_by_topic('/diagnostics'))
    assert diagnostics == set(g.procs)


def test_lazy_work_only_when_watched(graph):
    from sensor_msgs.msg import Image
    from rclpy.qos import qos_profile_sensor_data
    g, probe = graph
    diag = [s for _, a in probe.got['/diagnostics'] for s in a.status
            if s.name == f'{NS}/animator_node']
    assert int({kv.key: kv.value for kv in diag[-1].values}['unwatched']) > 0
    for name in ('animator/image', 'face/debug_image'):
        assert not topic(probe, name)
        probe.listen(f'{NS}/{name}', Image, qos_profile_sensor_data)
    assert probe.wait_for(lambda: topic(probe, 'animator/image')
                          and topic(probe, 'face/debug_image'), 10)


def test_killed_trajectory_node_eases_the_robot_to_neutral(graph, robot):
    g, probe = graph
    schema = ControlSchema.default()
    time.sleep(0.5)
    before = len(robot())
    g.kill('trajectory_node')
    time.sleep(4.0)
    vectors = np.array([v[1:] for _, v in robot()[before - 1:]])
    np.testing.assert_allclose(vectors[-1], schema.neutral, atol=1e-6)
    assert np.abs(vectors[-1] - vectors[0]).max() > 0.01, 'it was at neutral already'
    steps = np.abs(np.diff(vectors, axis=0))
    assert (steps <= schema.max_velocity / 50.0 + 1e-6).all()    # no jump, within limits


def test_sigint_ends_every_node_cleanly(graph):
    g, probe = graph
    codes = g.stop()
    assert {n: c for n, c in codes.items() if n != 'trajectory_node'} == \
        {n: 0 for n in codes if n != 'trajectory_node'}
    for name in codes:
        assert 'Traceback' not in g.log(name), g.log(name)[-2000:]

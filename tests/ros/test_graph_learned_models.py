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
Learned models in the graph: an animator (``animator:=fomm``, image mode) and the motion policy.

The animator node reads the camera frame of each observation, keeps only the newest work and
feeds the image policy; a weights path that is not there ends the node with one line. With a
LivePortrait motion extractor the motion node publishes /face/motion and the motion policy
answers each state (random weights: the wiring, not the quality).
"""

import subprocess

from ameca_imitation.animation.training import AnimatorTrainConfig, save_animator
from ameca_imitation.animation.zoo import build_animator
from ameca_imitation.controls import ControlSchema
from ameca_imitation.io.media import fetch_clip
from ameca_imitation.io.ros_convert import stamp_of
from ameca_imitation.policy.checkpoint import save_checkpoint
from ameca_imitation.policy.modules import FeatureMLP, FeatureMLPConfig
import pytest
import torch

from graph import Graph, Probe

NS = '/learned_animator_test'


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    from ameca_imitation_msgs.msg import ControlVector, FaceObservation
    from diagnostic_msgs.msg import DiagnosticArray
    from rclpy.qos import qos_profile_sensor_data
    from sensor_msgs.msg import Image
    base = tmp_path_factory.mktemp('learned_animator')
    torch.manual_seed(0)
    save_animator(base / 'fomm', build_animator('fomm'), AnimatorTrainConfig(model='fomm'),
                  {'size': 64})
    g = Graph(base / 'logs', input=fetch_clip('single_face.mp4'), namespace=NS, mode='image',
              policy='image', animator='fomm', animator_weights=base / 'fomm', twin='false')
    probe = Probe('learned_animator_probe')
    # The observations carry the camera stamps (test_graph.py checks that against the images).
    for name, kind in [('face/observation', FaceObservation), ('animator/image', Image),
                       ('policy/controls', ControlVector)]:
        probe.listen(f'{NS}/{name}', kind, qos_profile_sensor_data if kind is Image else 10)
    probe.listen('/diagnostics', DiagnosticArray)
    g.bring_up(probe)
    try:
        # (The probe's own subscriptions match at their own pace: count from its first frame.)
        assert probe.wait_for(lambda: stamps(probe, 'face/observation') and len(
            [s for s in stamps(probe, 'policy/controls')
             if s >= min(stamps(probe, 'face/observation'))]) >= 20, 60), \
            g.log('animator_node')[-2000:]
        subscribers = {i.node_name for i in probe.node.get_subscriptions_info_by_topic(
            f'{NS}/camera/image_raw') if i.node_namespace == NS}
        yield g, probe, subscribers, base
    finally:
        g.stop()
        probe.close()


def stamps(probe, name):
    return [round(stamp_of(m), 6) for _, m in probe.got.get(f'{NS}/{name}', [])]


def test_learned_animator_feeds_the_image_policy_with_frame_stamps(run):
    g, probe, subscribers, _ = run
    assert subscribers == {'motion_node', 'animator_node'}
    frames = stamps(probe, 'face/observation')
    animated = stamps(probe, 'animator/image')
    seen = [s for s in animated if s >= min(frames)]
    assert len(seen) >= 20 and sum(s in set(frames) for s in seen) >= 0.95 * len(seen)
    policy = [s for s in stamps(probe, 'policy/controls') if s >= min(animated)]
    assert len(policy) >= 10 and sum(s in set(animated) for s in policy) >= 0.95 * len(policy)

    def figures():
        status = [s for _, a in probe.got.get('/diagnostics', []) for s in a.status
                  if s.name == f'{NS}/animator_node']
        return {kv.key: kv.value for kv in status[-1].values} if status else {}
    # Diagnostics go out once a second, so they can trail the images by that much.
    probe.wait_for(lambda: int(figures().get('published', 0)) >= 10, 5.0)
    assert figures()['animator'] == 'fomm' and int(figures()['published']) >= 10


def test_missing_weights_end_the_node_with_one_line(run):
    g, _, _, base = run
    bad = Graph(base / 'bad_logs', namespace=NS + '_bad', animator='fomm',
                animator_weights=base / 'nowhere')
    node = next(n for n in bad.nodes() if n.executable == 'animator_node')
    done = subprocess.run(bad.command(node), env=bad.env, capture_output=True, text=True,
                          timeout=60)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == 2, lines
    assert any('nowhere' in line and 'not found' in line for line in lines), lines
    assert not any('Traceback' in line for line in lines), lines


@pytest.fixture(scope='module')
def motion_run(tmp_path_factory):
    from ameca_imitation_msgs.msg import ControlVector, FaceObservation, MotionState
    from diagnostic_msgs.msg import DiagnosticArray
    base = tmp_path_factory.mktemp('motion_policy')
    torch.manual_seed(0)
    save_animator(base / 'lp', build_animator('liveportrait'),
                  AnimatorTrainConfig(model='liveportrait'), {'size': 64})
    save_checkpoint(base / 'policy', FeatureMLP(FeatureMLPConfig(num_inputs=33)), 'motion_mlp',
                    ControlSchema.default().names)
    ns = NS + '_motion'
    g = Graph(base / 'logs', input=fetch_clip('single_face.mp4'), namespace=ns, mode='motion',
              policy='motion', weights=base / 'policy', motion_extractor=base / 'lp',
              twin='false')
    probe = Probe('motion_policy_probe')
    # The observations carry the camera stamps (test_graph.py checks that against the images).
    for name, kind in [('face/observation', FaceObservation), ('face/motion', MotionState),
                       ('policy/controls', ControlVector)]:
        probe.listen(f'{ns}/{name}', kind, 10)
    probe.listen('/diagnostics', DiagnosticArray)
    g.bring_up(probe)

    def seen(name):
        return [stamp_of(m) for _, m in probe.got.get(f'{ns}/{name}', [])]
    try:
        assert probe.wait_for(lambda: seen('face/observation') and len(
            [s for s in seen('policy/controls') if s >= min(seen('face/observation'))]) >= 20,
            60), g.log('motion_node')[-2000:] + g.log('policy_node')[-2000:]
        yield ns, probe
    finally:
        g.stop()
        probe.close()


def test_motion_node_publishes_face_motion_and_the_policy_answers_it(motion_run):
    ns, probe = motion_run

    def nodes(infos):
        return {i.node_name for i in infos if i.node_namespace == ns}
    assert nodes(probe.node.get_publishers_info_by_topic(f'{ns}/face/motion')) == {'motion_node'}
    assert nodes(probe.node.get_subscriptions_info_by_topic(f'{ns}/face/motion')) == {
        'policy_node'}
    got = {name: [round(stamp_of(m), 6) for _, m in probe.got.get(f'{ns}/{name}', [])]
           for name in ('face/observation', 'face/motion', 'policy/controls')}
    faces = {round(stamp_of(m), 6) for _, m in probe.got[f'{ns}/face/observation']
             if m.face_found}
    motion = [s for s in got['face/motion'] if s >= min(got['face/observation'])]
    assert len(motion) >= 20 and sum(s in faces for s in motion) >= 0.95 * len(motion)
    policy = [s for s in got['policy/controls'] if s >= min(motion)]
    assert len(policy) >= 20 and sum(s in set(motion) for s in policy) >= 0.95 * len(policy)
    assert all(m.count == 10 for _, m in probe.got[f'{ns}/face/motion'])

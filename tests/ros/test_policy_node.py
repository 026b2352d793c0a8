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

"""policy_node alone under real rclpy: the controls of a mouth a hand hides ease to neutral."""

import time

from ameca_imitation.controls import ControlSchema
from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.types import FaceObservation
import numpy as np

from graph import Graph, Probe

NS = '/policy_node_test'


def test_a_hidden_mouth_eases_to_neutral_and_comes_back_when_seen(tmp_path):
    from ameca_imitation_msgs.msg import ControlVector, FaceObservation as FaceObservationMsg
    from diagnostic_msgs.msg import DiagnosticArray
    schema = ControlSchema.default()
    corner = schema.index('Lip Corner Raise Left')
    smile = dict.fromkeys(FEATURE_NAMES, 0.0)
    smile.update(lip_corner_left=0.15, lip_corner_right=0.15, lip_stretch_left=0.1,
                 lip_stretch_right=0.1)
    # Seen, then behind a hand for 3 s, then seen again.
    hidden = [()] * 20 + [('mouth',)] * 90 + [()] * 20
    g = Graph(tmp_path / 'logs', namespace=NS)
    probe = Probe('policy_probe')
    probe.listen(f'{NS}/policy/controls', ControlVector)
    probe.listen('/diagnostics', DiagnosticArray)
    pub = probe.node.create_publisher(FaceObservationMsg, f'{NS}/face/observation', 10)
    g.start(['policy_node'])
    try:
        assert probe.wait_for(lambda: f'{NS}/policy_node' in probe.diagnosed()
                              and pub.get_subscription_count() > 0, 60), g.log('policy_node')
        types = rc.ros_message_types()
        for k, parts in enumerate(hidden):
            obs = FaceObservation(stamp=100.0 + k / 30, face_found=True, features=smile,
                                  hidden_parts=parts)
            pub.publish(rc.observation_to_msg(obs, types))
            time.sleep(1 / 30)
        assert probe.wait_for(lambda: len(probe.got[f'{NS}/policy/controls']) >= 0.8 * len(
            hidden) and abs(rc.stamp_of(probe.got[f'{NS}/policy/controls'][-1][1]) - obs.stamp)
            < 1e-3, 10), g.log('policy_node')
    finally:
        g.stop()
        probe.close()
    answers = {round((rc.stamp_of(m) - 100.0) * 30): m.values[corner]
               for _, m in probe.got[f'{NS}/policy/controls']}
    raise_seen = np.array([v for k, v in answers.items() if k < 20])
    raise_hidden = np.array([v for k, v in sorted(answers.items()) if 20 <= k < 110])
    raise_again = np.array([v for k, v in answers.items() if k >= 110])
    neutral = schema.neutral[corner]
    assert raise_seen.min() > neutral + 0.1                    # the policy smiles with her
    assert np.allclose(raise_seen, raise_seen[0], atol=1e-6)
    assert np.all(np.diff(raise_hidden) <= 1e-6)               # easing, not jumping
    assert raise_hidden[-1] - neutral < 0.3 * (raise_seen[0] - neutral)
    assert np.allclose(raise_again, raise_seen[0], atol=1e-6)  # in view again: as seen

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

"""The whole chain in one process on a real clip, for each pipeline configuration."""

import numpy as np
import pytest

from ameca_imitation.capture import open_source
from ameca_imitation.pipeline import Pipeline


@pytest.mark.parametrize('name', ['retarget', 'feature', 'image'])
def test_a_smile_raises_the_lip_corners(name, clip, schema):
    pipe = Pipeline.from_config(name)
    corner = [schema.index('Lip Corner Raise Left'), schema.index('Lip Corner Raise Right')]
    raw, commands = [], []
    with open_source(clip('single_face.mp4')) as src:
        for frame in src:
            res = pipe.step(frame, frame.stamp + 1 / src.fps)
            assert res.policy is not None
            raw.append(res.policy.values)
            commands.extend(res.commands)
            if name == 'image':
                assert res.animated is not None and res.animated.shape == (256, 256, 3)
    pipe.close()
    raw, commands = np.array(raw), np.array(commands)
    smile = raw[30:50, corner].mean()
    rest = raw[:10, corner].mean()
    assert smile > rest + 0.05 * schema.span[corner].mean(), (name, rest, smile)
    assert np.all(commands >= schema.live_min - 1e-9) and np.all(commands <= schema.live_max + 1e-9)


def test_unknown_pipeline_and_keys_are_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        Pipeline.from_config('nonexistent')
    bad = tmp_path / 'bad.yaml'
    bad.write_text('policy: feature\nwieghts: x\n')
    with pytest.raises(ValueError, match='wieghts'):
        Pipeline.from_config(str(bad))

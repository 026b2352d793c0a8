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

"""Our FOMM and LivePortrait networks against the official checkpoints' manifests, and loading
synthetic files written in each official layout (random values, official names and shapes).
"""

import json
from pathlib import Path

import pytest
import torch

from ameca_imitation.animation.checkpoints import load_fomm, load_liveportrait
from ameca_imitation.animation.fomm import KPDetector, OcclusionAwareGenerator
from ameca_imitation.animation.liveportrait import (AppearanceFeatureExtractor,
                                                    MotionExtractor, SPADEDecoder,
                                                    StitchingRetargeting, WarpingNetwork)
from ameca_imitation.weights import CheckpointError

REF = Path(__file__).resolve().parents[1] / 'data' / 'checkpoints'
NETWORKS = {
    'fomm_vox_kp_detector.json': KPDetector,
    'fomm_vox_generator.json': OcclusionAwareGenerator,
    'liveportrait_appearance_feature_extractor.json': AppearanceFeatureExtractor,
    'liveportrait_motion_extractor.json': MotionExtractor,
    'liveportrait_warping_module.json': WarpingNetwork,
    'liveportrait_spade_generator.json': SPADEDecoder,
    'liveportrait_stitching_retargeting_module.json': StitchingRetargeting,
}


def manifest(name):
    return json.loads((REF / name).read_text())


def fake_state(keys, seed=0):
    """Random tensors with the manifest's names, shapes and dtypes (positive variances)."""
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for key, (shape, dtype) in keys.items():
        if dtype == 'int64':
            state[key] = torch.tensor(3)
        elif 'running_var' in key:
            state[key] = torch.rand(shape, generator=gen) + 0.5
        else:
            state[key] = torch.randn(shape, generator=gen) * 0.02
    return state


@pytest.mark.parametrize('name', sorted(NETWORKS))
def test_key_set_and_shapes_match(name):
    ref = {k.replace('/', '.'): v for k, v in manifest(name)['keys'].items()}
    state = NETWORKS[name]().state_dict()
    assert set(state) == set(ref)
    for key, (shape, _) in ref.items():
        assert list(state[key].shape) == shape, key


def test_fomm_file_with_optimizer_entries_loads(tmp_path):
    blob = {'generator': fake_state(manifest('fomm_vox_generator.json')['keys']),
            'kp_detector': fake_state(manifest('fomm_vox_kp_detector.json')['keys'], 1),
            'discriminator': {'x': torch.zeros(1)}, 'optimizer_generator': {},
            'optimizer_kp_detector': {}, 'optimizer_discriminator': {}, 'epoch': 99}
    torch.save(blob, tmp_path / 'vox-cpk.pth.tar')
    kp, gen = load_fomm(tmp_path / 'vox-cpk.pth.tar')
    assert torch.equal(kp.state_dict()['kp.bias'], blob['kp_detector']['kp.bias'])
    x = torch.rand(1, 3, 256, 256)
    with torch.no_grad():
        k = kp(x)
        out = gen(x, k, k)
    assert out['prediction'].shape == (1, 3, 256, 256)
    blob['generator'].pop('final.bias')
    torch.save(blob, tmp_path / 'broken.pth.tar')
    with pytest.raises(CheckpointError, match=r'missing keys \[final.bias\]'):
        load_fomm(tmp_path / 'broken.pth.tar')


@pytest.fixture(scope='module')
def liveportrait_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp('liveportrait')
    for i, (name, file) in enumerate([
            ('liveportrait_appearance_feature_extractor.json', 'appearance_feature_extractor.pth'),
            ('liveportrait_motion_extractor.json', 'motion_extractor.pth'),
            ('liveportrait_warping_module.json', 'warping_module.pth'),
            ('liveportrait_spade_generator.json', 'spade_generator.pth')]):
        state = fake_state(manifest(name)['keys'], i)
        if 'spade' in name:      # spectral-norm vectors are unit-norm in real files
            for key in state:
                if key.endswith(('weight_u', 'weight_v')):
                    state[key] = state[key] / state[key].norm()
        torch.save(state, folder / file)
    keys = manifest('liveportrait_stitching_retargeting_module.json')['keys']
    state = fake_state(keys, 9)
    blob = {'other_entry': 1}
    for key, value in state.items():
        sub, name = key.split('/', 1)
        blob.setdefault(sub, {})['module.' + name] = value        # DataParallel prefixes
    torch.save(blob, folder / 'stitching_retargeting_module.pth')
    return folder


def test_liveportrait_files_load_and_spectral_norm_folds_exactly(liveportrait_folder):
    raw = load_liveportrait(liveportrait_folder, fold=False)
    folded = load_liveportrait(liveportrait_folder, fold=True)
    assert set(folded) == {'F', 'M', 'W', 'G', 'S'}
    assert 'up_1.conv_0.weight' in folded['G'].state_dict()
    assert 'up_1.conv_0.weight_orig' in raw['G'].state_dict()
    feature = torch.rand(1, 256, 64, 64)
    with torch.no_grad():
        assert torch.allclose(raw['G'](feature), folded['G'](feature), atol=1e-6)
    x_s = torch.rand(2, 21, 3)
    delta, shift = folded['S'].stitch(x_s, x_s)
    assert delta.shape == (2, 63) and shift.shape == (2, 2)


def test_missing_stitching_entry_is_named(liveportrait_folder, tmp_path):
    import shutil
    for f in liveportrait_folder.iterdir():
        shutil.copy(f, tmp_path / f.name)
    torch.save({'retarget_shoulder': {}}, tmp_path / 'stitching_retargeting_module.pth')
    with pytest.raises(KeyError, match='retarget_mouth'):
        load_liveportrait(tmp_path)

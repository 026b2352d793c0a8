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
Official checkpoints of the animation models, loaded strictly into our networks.

FOMM: ``vox-cpk.pth.tar`` / ``vox-adv-cpk.pth.tar``, a dict with ``generator``, ``kp_detector``,
``discriminator``, optimizer states and ``epoch``; inference needs the first two.
LivePortrait: ``appearance_feature_extractor.pth`` (F), ``motion_extractor.pth`` (M),
``warping_module.pth`` (W), ``spade_generator.pth`` (G): plain state_dicts; and
``stitching_retargeting_module.pth`` with three sub-dicts.
Monkey-Net: the same dict pattern as FOMM (``generator``, ``kp_detector``, optimizers, ...).
face-vid2vid has no official release: a plain state_dict of our :class:`FaceVid2Vid`.
"""

from pathlib import Path

from ameca_imitation.animation.face_vid2vid import FaceVid2Vid
from ameca_imitation.animation.fomm import KPDetector, OcclusionAwareGenerator
from ameca_imitation.animation.liveportrait import (AppearanceFeatureExtractor,
                                                    MotionExtractor, SPADEDecoder,
                                                    StitchingRetargeting, WarpingNetwork)
from ameca_imitation.animation.liveportrait.spade import fold_spectral_norm
from ameca_imitation.animation.liveportrait.stitching import split_checkpoint
from ameca_imitation.animation.monkey_net import MonkeyGenerator, MonkeyKPDetector
from ameca_imitation.weights import CheckpointError, load_torch_file, strict_load

LIVEPORTRAIT_FILES = {
    'appearance_feature_extractor.pth': AppearanceFeatureExtractor,
    'motion_extractor.pth': MotionExtractor,
    'warping_module.pth': WarpingNetwork,
    'spade_generator.pth': SPADEDecoder,
}


def _load_pair(path, kp, gen):
    blob = load_torch_file(path)
    if not isinstance(blob, dict):
        raise CheckpointError(f'{path} is not a checkpoint dict')
    for entry in ('generator', 'kp_detector'):
        if entry not in blob:
            raise CheckpointError(f'{path} has no {entry!r} entry (keys: {sorted(blob)})')
    strict_load(kp, blob['kp_detector'], f'{path}[kp_detector]')
    strict_load(gen, blob['generator'], f'{path}[generator]')
    return kp.eval(), gen.eval()


def load_fomm(path: str | Path, align_corners: bool = True):
    """``(kp_detector, generator)`` in eval mode from an official FOMM checkpoint."""
    from ameca_imitation.animation.fomm import GeneratorConfig
    return _load_pair(path, KPDetector(),
                      OcclusionAwareGenerator(GeneratorConfig(align_corners=align_corners)))


def load_monkey_net(path: str | Path):
    """``(kp_detector, generator)`` in eval mode from a Monkey-Net checkpoint dict."""
    return _load_pair(path, MonkeyKPDetector(), MonkeyGenerator())


def load_face_vid2vid(path: str | Path) -> FaceVid2Vid:
    """Load a :class:`FaceVid2Vid` (default configuration) from a plain state_dict file."""
    model = FaceVid2Vid()
    strict_load(model, load_torch_file(path), str(path))
    return model.eval()


def load_liveportrait(folder: str | Path, fold: bool = True) -> dict:
    """
    ``{'F', 'M', 'W', 'G', 'S'}`` networks in eval mode from the official file names.

    ``fold`` replaces G's spectral-norm reparametrisation by plain weights after loading
    (identical output, less work per frame).
    """
    folder = Path(folder)
    nets = {}
    for (name, cls), key in zip(LIVEPORTRAIT_FILES.items(), 'FMWG'):
        model = cls()
        strict_load(model, load_torch_file(folder / name), str(folder / name))
        nets[key] = model.eval()
    if fold:
        fold_spectral_norm(nets['G'])
    stitching = folder / 'stitching_retargeting_module.pth'
    if stitching.is_file():
        model = StitchingRetargeting()
        strict_load(model, split_checkpoint(load_torch_file(stitching)), str(stitching))
        nets['S'] = model.eval()
    return nets


def write_official_files(model: str, path: str | Path) -> Path:
    """
    Save the networks of ``model`` as built here (fresh initialisation) in the official layout.

    LivePortrait: a folder of its five files (the stitching file with DataParallel's
    ``module.`` prefixes); FOMM and Monkey-Net: the checkpoint dict; face-vid2vid: a state_dict.
    For tests and benches of the loading and run-time paths; returns what
    :func:`learned.load_networks` takes.
    """
    import torch
    path = Path(path)
    if model == 'liveportrait':
        path.mkdir(parents=True, exist_ok=True)
        for name, cls in LIVEPORTRAIT_FILES.items():
            torch.save(cls().state_dict(), path / name)
        blob = {}
        for key, value in StitchingRetargeting().state_dict().items():
            sub, rest = key.split('.', 1)
            blob.setdefault(sub, {})['module.' + rest] = value
        torch.save(blob, path / 'stitching_retargeting_module.pth')
    elif model in ('fomm', 'monkey_net'):
        kp, gen = ((KPDetector(), OcclusionAwareGenerator()) if model == 'fomm'
                   else (MonkeyKPDetector(), MonkeyGenerator()))
        torch.save({'kp_detector': kp.state_dict(), 'generator': gen.state_dict(), 'epoch': 0},
                   path)
    elif model == 'face_vid2vid':
        torch.save(FaceVid2Vid().state_dict(), path)
    else:
        raise ValueError(f'no official layout for {model!r}')
    return path

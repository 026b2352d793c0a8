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
The learned animators at run time: LivePortrait, FOMM, face-vid2vid and Monkey-Net.

Weights come from the official files (LivePortrait's folder, FOMM's ``vox*-cpk.pth.tar``,
Monkey-Net's checkpoint dict) or from a folder of ``ameca-train-animator``. Each family's
*runner* caches the per-source work once, takes its motion reference from the person's first
frame, and moves the source with the person's motion relative to it, as each paper does:

* LivePortrait: ``R = R_i R_0^T R_s``, ``delta = delta_s + delta_i - delta_0``,
  ``s = s_s s_i / s_0``, ``t = t_s + t_i - t_0``; then stitching, optional eye and lip
  retargeting (added on top of the driving motion);
* FOMM: ``kp = (kp_i - kp_0) a + kp_s``, ``J = J_i J_0^-1 J_s``; Monkey-Net the same, with
  its covariances in place of the Jacobians;
* face-vid2vid: its head rotation, translation and expression relative the same way, on the
  source's canonical keypoints.

Runners take and give ``(1, 3, S, S)`` RGB tensors in [0, 1]; ``drive(..., absolute=True)``
moves the source with a portrait's own pose and expression (a still has no first frame).
"""

from pathlib import Path

from ameca_imitation.animation import face_vid2vid as fv
from ameca_imitation.animation.blocks import inverse
from ameca_imitation.animation.checkpoints import (load_face_vid2vid, load_fomm,
                                                   load_liveportrait, load_monkey_net)
from ameca_imitation.animation.fomm import relative_kp
from ameca_imitation.animation.inference import prepare_for_inference
from ameca_imitation.animation.liveportrait import transform as lp
from ameca_imitation.animation.training import load_animator, trained_side
from ameca_imitation.animation.zoo import ANIMATORS
import torch

LEARNED = tuple(sorted(ANIMATORS))
OFFICIAL_SIDE = {'liveportrait': 256, 'fomm': 256, 'face_vid2vid': 256, 'monkey_net': 128}


class LivePortraitRunner:
    """F, M, W, G and (when present) the stitching and retargeting MLPs ``S``."""

    def __init__(self, nets: dict, relative: bool = True, stitching: bool = True,
                 retarget_eyes: bool = False, retarget_lips: bool = False):
        self.nets, self.relative = nets, relative
        s = nets.get('S')
        self.stitching = stitching and s is not None
        self.retarget_eyes = retarget_eyes and s is not None
        self.retarget_lips = retarget_lips and s is not None

    def _motion(self, x):
        return lp.motion_info(self.nets['M'](x))

    def set_source(self, x, ratios: dict) -> None:
        self.f_s = self.nets['F'](x)
        self.s = self._motion(x)
        s = self.s
        self.x_s = lp.transform_keypoints(s['kp'], s['R'], s['exp'], s['scale'], s['t'])
        self.source_ratios = ratios

    def set_reference(self, x, ratios: dict) -> None:
        self.first = self._motion(x)

    def drive(self, x, ratios: dict, absolute: bool = False):
        d = self._motion(x)
        if self.relative and not absolute:
            x_d = lp.relative_motion(self.s, d, self.first)
        elif d['kp'].shape[1] == 21:        # the official keypoints: the paper's regions
            x_d = lp.absolute_motion(self.s, d)
        else:
            x_d = lp.transform_keypoints(self.s['kp'], d['R'], d['exp'], self.s['scale'], d['t'])
        s_net, src = self.nets.get('S'), self.source_ratios
        if self.stitching:
            x_d = lp.apply_stitching(x_d, *s_net.stitch(self.x_s, x_d))
        if self.retarget_eyes:
            eyes = x_d.new_tensor([[src['eye_left'], src['eye_right'],
                                    (ratios['eye_left'] + ratios['eye_right']) / 2]])
            x_d = x_d + s_net.retarget_eyes(self.x_s, eyes).view_as(x_d)
        if self.retarget_lips:
            lips = x_d.new_tensor([[src['lip'], ratios['lip']]])
            x_d = x_d + s_net.retarget_lip(self.x_s, lips).view_as(x_d)
        return self.nets['G'](self.nets['W'](self.f_s, x_d, self.x_s)['out'])


class KeypointRunner:
    """FOMM and Monkey-Net: a 2-D keypoint detector and a generator driven by two keypoint sets."""

    def __init__(self, kp_detector, generator, relative: bool = True, adapt_scale: bool = True):
        self.kp_detector, self.generator = kp_detector, generator
        self.relative, self.adapt_scale = relative, adapt_scale

    def set_source(self, x, ratios: dict) -> None:
        self.x, self.kp_s = x, self.kp_detector(x)
        self.features = self.generator.encode(x) if hasattr(self.generator, 'encode') else None

    def set_reference(self, x, ratios: dict) -> None:
        self.kp_0 = self.kp_detector(x)

    def drive(self, x, ratios: dict, absolute: bool = False):
        kp = self.kp_detector(x)
        if self.relative and not absolute:
            moved = relative_kp(self.kp_s, kp, self.kp_0, self.adapt_scale)
            if 'covariance' in kp:      # Monkey-Net: like FOMM's Jacobians, C_i C_0^-1 C_s
                moved['covariance'] = (kp['covariance'] @ inverse(self.kp_0['covariance'])
                                       @ self.kp_s['covariance'])
            kp = moved
        if self.features is None:
            return self.generator(self.x, kp, self.kp_s)['prediction']
        return self.generator(self.x, kp, self.kp_s, source_features=self.features)['prediction']


class FaceVid2VidRunner:
    """face-vid2vid: canonical keypoints of the source, head pose and expression of the driver."""

    def __init__(self, model, relative: bool = True):
        self.model, self.relative = model, relative

    def set_source(self, x, ratios: dict) -> None:
        m = self.model
        self.canonical, self.features = m.kp_detector(x), m.appearance(x)
        self.s = m.head_expression(x)
        self.x_s = fv.transform_keypoints(self.canonical, self.s['R'], self.s['t'],
                                          self.s['exp'])

    def set_reference(self, x, ratios: dict) -> None:
        self.first = self.model.head_expression(x)

    def drive(self, x, ratios: dict, absolute: bool = False):
        d, s, f = self.model.head_expression(x), self.s, getattr(self, 'first', None)
        if self.relative and not absolute:
            rotation = d['R'] @ f['R'].transpose(1, 2) @ s['R']
            translation, expression = s['t'] + d['t'] - f['t'], s['exp'] + d['exp'] - f['exp']
        else:
            rotation, translation, expression = d['R'], d['t'], d['exp']
        x_d = fv.transform_keypoints(self.canonical, rotation, translation, expression)
        warped = self.model.warping(self.features, x_d, self.x_s)
        return self.model.decoder(warped['out'])


def _trained_folder(model: str, folder: Path):
    """Networks and input side of an ``ameca-train-animator`` folder."""
    net = load_animator(folder, model)
    if model == 'liveportrait':
        nets = {'F': net.appearance_feature_extractor, 'M': net.motion_extractor,
                'W': net.warping_module, 'G': net.spade_generator}
    elif model == 'face_vid2vid':
        nets = {'model': net.model}
    else:
        nets = {'kp_detector': net.kp_detector, 'generator': net.generator}
    return nets, trained_side(folder)


def load_networks(model: str, weights: str | Path) -> tuple[dict, int]:
    """
    Load the networks of ``model`` (eval mode); return them and their input side, px.

    ``weights``: an ``ameca-train-animator`` folder (``config.json`` + ``model.safetensors``) or
    the official files (LivePortrait: the folder of its ``.pth`` files; FOMM, Monkey-Net: the
    checkpoint dict; face-vid2vid: a state_dict of :class:`FaceVid2Vid`). Raises
    ``FileNotFoundError`` or :class:`CheckpointError` (naming the key mismatches), one line.
    """
    if model not in LEARNED:
        raise ValueError(f'unknown animator {model!r}; choose landmark_warp or one of {LEARNED}')
    if not weights:
        raise FileNotFoundError(f'the {model} animator needs weights (an official file or '
                                'folder, or an ameca-train-animator folder)')
    path = Path(weights)
    if not path.exists():
        raise FileNotFoundError(f'{model} animator weights {str(path)!r} not found')
    if (path / 'config.json').is_file():
        nets, side = _trained_folder(model, path)
    elif model == 'liveportrait':
        if not path.is_dir():
            raise FileNotFoundError(f'{path}: LivePortrait weights are a folder holding '
                                    'appearance_feature_extractor.pth, motion_extractor.pth, ...')
        nets, side = load_liveportrait(path), OFFICIAL_SIDE[model]
    elif model == 'fomm':
        kp, gen = load_fomm(path)
        nets, side = {'kp_detector': kp, 'generator': gen}, OFFICIAL_SIDE[model]
    elif model == 'monkey_net':
        kp, gen = load_monkey_net(path)
        nets, side = {'kp_detector': kp, 'generator': gen}, OFFICIAL_SIDE[model]
    else:
        nets, side = {'model': load_face_vid2vid(path)}, OFFICIAL_SIDE[model]
    return {k: v.eval() for k, v in nets.items()}, side


def make_runner(model: str, nets: dict, device: torch.device, relative: bool = True,
                stitching: bool = True, retarget_eyes: bool = False,
                retarget_lips: bool = False, adapt_scale: bool = True):
    """Move ``nets`` to ``device``, apply the inference rewrites, and wrap them in a runner."""
    nets = {k: prepare_for_inference(v.to(device)) for k, v in nets.items()}
    if model == 'liveportrait':
        return LivePortraitRunner(nets, relative, stitching, retarget_eyes, retarget_lips)
    if model == 'face_vid2vid':
        return FaceVid2VidRunner(nets['model'], relative)
    return KeypointRunner(nets['kp_detector'], nets['generator'], relative, adapt_scale)

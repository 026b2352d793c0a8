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
The four animation models behind one interface, in small configurations for training here.

Every model maps ``(source, driving)`` images ``(B, 3, S, S)`` in [0, 1] to a dict with
``prediction`` ``(B, 3, S, S)`` (the source moved as the driving frame) and ``kp_driving`` (the
driving keypoints; x, y in [-1, 1]); ``keypoints(image)`` gives ``{'value': (B, K, 2)}`` (plus
``jacobian`` for FOMM) for the equivariance loss. Parameter names keep the official sub-module
names (``kp_detector``, ``generator``; LivePortrait's file stems), so the state_dict of a model
trained here splits into the official layout.
"""

from ameca_imitation.animation.face_vid2vid import FaceVid2Vid, FaceVid2VidConfig
from ameca_imitation.animation.fomm import (DenseMotionConfig, GeneratorConfig, KPDetector,
                                            KPDetectorConfig, OcclusionAwareGenerator)
from ameca_imitation.animation.liveportrait import (AppearanceFeatureExtractor,
                                                    MotionExtractor, SPADEDecoder,
                                                    WarpingNetwork)
from ameca_imitation.animation.liveportrait import transform as lp
from ameca_imitation.animation.liveportrait.appearance import AppearanceConfig
from ameca_imitation.animation.liveportrait.motion import MotionConfig
from ameca_imitation.animation.liveportrait.spade import SPADEConfig
from ameca_imitation.animation.liveportrait.warping import WarpingConfig
from ameca_imitation.animation.monkey_net import (MonkeyGenerator, MonkeyKPDetector,
                                                  MonkeyNetConfig)
from torch import nn

NUM_KP = 10


class KeypointAnimator(nn.Module):
    """A 2-D keypoint detector and a generator driven by two keypoint dicts (FOMM, Monkey-Net)."""

    def keypoints(self, image):
        return self.kp_detector(image)

    def forward(self, source, driving):
        kp_source, kp_driving = self.kp_detector(source), self.kp_detector(driving)
        return {**self.generator(source, kp_driving, kp_source), 'kp_driving': kp_driving}


class FOMMAnimator(KeypointAnimator):

    def __init__(self):
        super().__init__()
        self.kp_detector = KPDetector(KPDetectorConfig(
            num_kp=NUM_KP, block_expansion=16, max_features=256, num_blocks=4, pad=3))
        self.generator = OcclusionAwareGenerator(
            GeneratorConfig(num_kp=NUM_KP, block_expansion=32, max_features=256,
                            num_bottleneck_blocks=3, align_corners=False),
            DenseMotionConfig(num_kp=NUM_KP, block_expansion=32, num_blocks=4, max_features=256,
                              align_corners=False))


class MonkeyNetAnimator(KeypointAnimator):

    def __init__(self):
        super().__init__()
        c = MonkeyNetConfig(num_kp=NUM_KP, kp_block_expansion=16, kp_max_features=256,
                            kp_num_blocks=4, motion_block_expansion=32, motion_max_features=256,
                            motion_num_blocks=4, block_expansion=32, max_features=256)
        self.kp_detector, self.generator = MonkeyKPDetector(c), MonkeyGenerator(c)


class LivePortraitAnimator(nn.Module):
    """F, M, W, G with the paper's transform: driving keypoints use the source's canonical ones."""

    def __init__(self):
        super().__init__()
        self.appearance_feature_extractor = AppearanceFeatureExtractor(AppearanceConfig(
            block_expansion=16, max_features=64, reshape_channel=8, reshape_depth=8,
            num_resblocks=1))
        self.motion_extractor = MotionExtractor(MotionConfig(num_kp=NUM_KP, depths=(1, 1, 2, 1),
                                                             dims=(24, 48, 96, 192)))
        self.warping_module = WarpingNetwork(WarpingConfig(
            num_kp=NUM_KP, block_expansion=16, max_features=64, reshape_channel=8,
            reshape_depth=8, dm_block_expansion=8, dm_max_features=64, dm_num_blocks=3))
        self.spade_generator = SPADEDecoder(SPADEConfig(
            upscale=1, block_expansion=16, max_features=64, out_channels=16, num_middle_blocks=2,
            spade_hidden=32))

    def _info(self, image):
        return lp.motion_info(self.motion_extractor(image))

    def keypoints(self, image):
        i = self._info(image)
        x = lp.transform_keypoints(i['kp'], i['R'], i['exp'], i['scale'], i['t'])
        return {'value': x[..., :2]}

    def forward(self, source, driving):
        s, d = self._info(source), self._info(driving)
        x_s = lp.transform_keypoints(s['kp'], s['R'], s['exp'], s['scale'], s['t'])
        x_d = lp.transform_keypoints(s['kp'], d['R'], d['exp'], d['scale'], d['t'])
        warped = self.warping_module(self.appearance_feature_extractor(source), x_d, x_s)
        return {'prediction': self.spade_generator(warped['out']),
                'occlusion_map': warped['occlusion_map'], 'kp_driving': {'value': x_d[..., :2]}}


class FaceVid2VidAnimator(nn.Module):

    def __init__(self):
        super().__init__()
        self.model = FaceVid2Vid(FaceVid2VidConfig(
            num_kp=NUM_KP, kp_block_expansion=16, kp_max_features=256, kp_num_blocks=4,
            kp_depth=8, estimator=MotionConfig(num_kp=NUM_KP, depths=(1, 1, 2, 1),
                                               dims=(24, 48, 96, 192)),
            appearance=AppearanceConfig(block_expansion=16, max_features=64, reshape_channel=8,
                                        reshape_depth=8, num_resblocks=1),
            warping=WarpingConfig(num_kp=NUM_KP, block_expansion=16, max_features=64,
                                  reshape_channel=8, reshape_depth=8, dm_block_expansion=8,
                                  dm_max_features=64, dm_num_blocks=3),
            num_resblocks=2))

    def keypoints(self, image):
        return {'value': self.model.keypoints(image)[..., :2]}

    def forward(self, source, driving):
        out = self.model(source, driving)
        return {**out, 'kp_driving': {'value': out['kp_driving'][..., :2]}}


ANIMATORS = {'monkey_net': MonkeyNetAnimator, 'fomm': FOMMAnimator,
             'face_vid2vid': FaceVid2VidAnimator, 'liveportrait': LivePortraitAnimator}


def build_animator(name: str) -> nn.Module:
    """Build a small, trainable configuration of one of :data:`ANIMATORS`."""
    if name not in ANIMATORS:
        raise ValueError(f'unknown animation model {name!r}; choose from {sorted(ANIMATORS)}')
    return ANIMATORS[name]()

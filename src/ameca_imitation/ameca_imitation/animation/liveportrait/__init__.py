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
LivePortrait (Guo et al.

2024): appearance F, motion M, warping W, SPADE decoder G, stitching and retargeting, with the
official parameter names so the released checkpoints load strictly.
"""

from ameca_imitation.animation.liveportrait.appearance import AppearanceFeatureExtractor
from ameca_imitation.animation.liveportrait.motion import MotionExtractor
from ameca_imitation.animation.liveportrait.spade import SPADEDecoder
from ameca_imitation.animation.liveportrait.stitching import StitchingRetargeting
from ameca_imitation.animation.liveportrait.warping import WarpingNetwork

__all__ = ['AppearanceFeatureExtractor', 'MotionExtractor', 'SPADEDecoder',
           'StitchingRetargeting', 'WarpingNetwork']

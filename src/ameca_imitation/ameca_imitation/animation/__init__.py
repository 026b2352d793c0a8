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
Image animation: move a source face (Ameca's neutral image) with a person's motion.

``blocks`` (shared layers), ``monkey_net``, ``fomm``, ``face_vid2vid``, ``liveportrait/`` (the
models), ``checkpoints`` (official files, strictly), ``zoo`` (small trainable configurations
behind one interface), ``training`` + ``metrics`` (self-supervised training, L1/AKD/MKR),
``landmark_warp`` + ``driving`` (the weight-free animator), ``learned`` + ``framing`` (the four
models at run time, from official files or our checkpoints), ``stage`` (the animator the
pipeline and the animator node run, chosen by :class:`AnimatorConfig`), and
``inference/``: the inference rewrites for speed (one entry point, ``prepare_for_inference``;
the models never import it).
"""

from ameca_imitation.animation.landmark_warp import LandmarkWarpAnimator, WarpConfig
from ameca_imitation.animation.stage import AnimatorConfig, ANIMATORS, AnimatorStage

__all__ = ['AnimatorConfig', 'ANIMATORS', 'AnimatorStage', 'LandmarkWarpAnimator', 'WarpConfig']

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
Inference rewrites of the animation networks that keep their outputs (to float rounding).

The networks of ``animation/`` never need this package: one entry point,
:func:`prepare_for_inference`, applies every rewrite to a loaded model, and not calling it
switches them all off.

* spectral norm folded into plain weights (LivePortrait's G);
* every nearest-upsample + 3x3 conv computed by output phase on the coarse input
  (:class:`UpsampledConv`): FOMM's and the hourglasses' up blocks, LivePortrait's 3-D up blocks;
* LivePortrait's SPADE residual blocks with their convs merged (:class:`FusedSPADEResnetBlock`,
  which also reads the upsampled segmentation map by phase), its 7x7x7 mask conv through the
  FFT (:class:`FFTConv3d`) and its one-channel 7x7 occlusion conv as a GEMM and shifted sums
  (:class:`TapSumConv2d`);
* on CPUs, the wide 3x3 convs through Winograd F(2x2, 3x3) (:class:`WinogradConv`): the SPADE
  blocks' 512- and 256-channel main convs, W's third block and its hourglass's last conv (not
  G.fc: see ``prepare._maybe_wide_conv``);
* on CPUs, the largest of those layers in pieces small enough for malloc to reuse their memory
  (``chunking``): G's upsampling SPADE blocks in bands of rows, the FFT mask conv by input
  channels;
* the anti-aliased downsampling of FOMM and Monkey-Net as a strided conv (the release blurs
  the full image and then drops 15 of 16 pixels);
* optionally channels-last memory for the 2-D networks (faster convs with oneDNN on CPUs).

Per-source work is cached by the callers (FOMM's ``generator.encode``, LivePortrait's F and the
source keypoints). Call it after loading the weights and moving the model to its device.
"""

from ameca_imitation.animation.inference.prepare import prepare_for_inference

__all__ = ['prepare_for_inference']

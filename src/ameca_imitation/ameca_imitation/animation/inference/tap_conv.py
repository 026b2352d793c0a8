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
Convolutions with very few output channels as one matrix product and shifted sums.

LivePortrait's occlusion conv maps 2272 channels to 1 with a 7x7 kernel: oneDNN runs it at a
few G multiply-adds per second (about 80 ms here), since one output channel leaves its
kernels nothing to vectorise over. Contracting the channels for all 49 taps at once is one
well-shaped GEMM, ``(taps * O, C) @ (C, H * W)``; the conv is then the 49 tap maps shifted
into place and summed (about 10 ms). Equal to the direct conv to float rounding. Used at
inference only (see :mod:`.inference`).
"""

from ameca_imitation.animation.inference.same_conv import is_same_conv
import torch
from torch import nn
import torch.nn.functional as F


class TapSumConv2d(nn.Module):
    """``conv(x)`` for a stride-1, 'same'-padded, ungrouped ``nn.Conv2d`` with odd kernels."""

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        if not is_same_conv(conv):
            raise ValueError("TapSumConv2d needs a stride-1, 'same'-padded, ungrouped conv")
        kh, kw = conv.kernel_size
        self.kernel = (kh, kw)
        self.out_channels = conv.out_channels
        # (taps * O, C): row (i * kw + j) * O + o holds tap (i, j) of output channel o.
        # Non-persistent buffers: moved with the model, never in its state_dict.
        self.register_buffer('taps', conv.weight.detach().permute(2, 3, 0, 1)
                             .reshape(kh * kw * conv.out_channels, -1).contiguous(),
                             persistent=False)
        self.register_buffer('bias', None if conv.bias is None else conv.bias.detach().clone(),
                             persistent=False)

    def forward(self, x):
        """``(B, C, H, W)`` -> ``(B, O, H, W)``."""
        b, _, h, w = x.shape
        kh, kw = self.kernel
        o = self.out_channels
        per_tap = torch.matmul(self.taps.to(x.dtype), x.reshape(b, x.shape[1], h * w))
        # Tap (i, j) of output pixel (y, x) reads input pixel (y + i - kh // 2, x + j - kw // 2).
        padded = F.pad(per_tap.view(b, kh * kw * o, h, w),
                       (kw // 2, kw // 2, kh // 2, kh // 2)).view(b, kh, kw, o, h + kh - 1,
                                                                  w + kw - 1)
        out = padded[:, 0, 0, :, :h, :w].clone()
        for i in range(kh):
            for j in range(kw):
                if i or j:
                    out += padded[:, i, j, :, i:i + h, j:j + w]
        if self.bias is not None:
            out += self.bias.view(1, -1, 1, 1).to(out.dtype)
        return out

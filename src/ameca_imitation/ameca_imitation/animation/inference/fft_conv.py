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
Large-kernel 3-D convolutions through the FFT, tile by tile (overlap-save).

LivePortrait's mask conv (142 -> 22 channels, 7x7x7, on a 16x64x64 volume) is 70 G
multiply-adds done directly; in the frequency domain it is one small complex matrix product
per frequency. The volume is cut into tiles of ``tile`` voxels in height and width (the whole
depth in one), each padded by the kernel's reach, so the FFT is small and the kernel spectrum,
computed once, stays near 150 MB. On CPUs the input channels go through in pieces
(:mod:`.chunking`), each transformed and multiplied into the sum. The result equals the direct
conv to float rounding (~1e-6 relative). Used at inference only (see :mod:`.inference`).
"""

from ameca_imitation.animation.inference.chunking import pieces
from ameca_imitation.animation.inference.same_conv import is_same_conv
import torch
from torch import nn
import torch.nn.functional as F


class FFTConv3d(nn.Module):
    """``conv(x)`` for a stride-1, 'same'-padded, ungrouped ``nn.Conv3d`` with odd kernels."""

    def __init__(self, conv: nn.Conv3d, tile: int = 16):
        super().__init__()
        if not is_same_conv(conv):
            raise ValueError("FFTConv3d needs a stride-1, 'same'-padded, ungrouped conv")
        self.kernel = tuple(conv.kernel_size)
        self.tile = tile
        # Non-persistent buffers: moved with the model, never in its state_dict.
        self.register_buffer('weight', conv.weight.detach().clone(), persistent=False)
        self.register_buffer('bias', None if conv.bias is None else conv.bias.detach().clone(),
                             persistent=False)
        self._spectrum_key, self._spectrum_value = None, None

    def _spectrum(self, size, n_pieces):
        """``(F, O, C)`` complex kernel spectrum for FFT ``size``, in ``n_pieces`` along ``C``."""
        key = (size, n_pieces, self.weight.device)
        if self._spectrum_key != key:
            # Cross-correlation (what conv computes) is a product with the conjugate spectrum.
            spec = torch.fft.rfftn(self.weight.float(), s=size, dim=(2, 3, 4)).conj()
            spec = spec.flatten(2).permute(2, 0, 1)
            self._spectrum_key = key
            self._spectrum_value = [part.contiguous()
                                    for part in spec.tensor_split(n_pieces, dim=2)]
        return self._spectrum_value

    def forward(self, x):
        """``(B, C, D, H, W)`` -> ``(B, O, D, H, W)``; H and W padded up to whole tiles."""
        # Always in fp32, also under fp16 autocast: half-precision FFTs take only powers of 2.
        with torch.autocast(x.device.type, enabled=False):
            return self._forward(x.float()).to(x.dtype)

    def _forward(self, x):
        b, c, d, h, w = x.shape
        kd, kh, kw = self.kernel
        t = self.tile
        nh, nw = -(-h // t), -(-w // t)
        n = b * nh * nw
        size = (d + kd - 1, t + kh - 1, t + kw - 1)
        n_freq = size[0] * size[1] * (size[2] // 2 + 1)
        # The input channels in pieces (see the module docstring).
        spectra = self._spectrum(size, pieces(c, n * n_freq * 8, x.device))
        out = None
        for part, weight in zip(x.tensor_split(len(spectra), dim=1), spectra):
            # Zero padding: the conv's own, then up to whole tiles on the far side.
            xp = F.pad(part, (kw // 2, kw // 2 + nw * t - w, kh // 2, kh // 2 + nh * t - h,
                              kd // 2, kd // 2))
            tiles = xp.unfold(3, size[1], t).unfold(4, size[2], t)  # (B, c, Dp, nh, nw, th, tw)
            tiles = tiles.permute(0, 3, 4, 1, 2, 5, 6)               # (B, nh, nw, c, Dp, th, tw)
            spec = torch.fft.rfftn(tiles, dim=(4, 5, 6))             # (B, nh, nw, c, *f)
            freq_shape = spec.shape[4:]
            # Frequencies first, contiguous: a strided batch makes matmul copy it slice by slice.
            spec = spec.reshape(n, part.shape[1], -1).permute(2, 1, 0).contiguous()  # (F, c, N)
            out = torch.matmul(weight, spec) if out is None else out.baddbmm_(weight, spec)
        o = out.shape[1]                                             # out: (F, O, N)
        out = out.permute(2, 1, 0).reshape(n, o, *freq_shape)
        out = torch.fft.irfftn(out, s=size, dim=(2, 3, 4))[:, :, :d, :t, :t]
        out = out.reshape(b, nh, nw, o, d, t, t).permute(0, 3, 4, 1, 5, 2, 6)
        out = out.reshape(b, o, d, nh * t, nw * t)[..., :h, :w]
        if self.bias is not None:
            out = out + self.bias.view(1, -1, 1, 1, 1)
        return out.contiguous()

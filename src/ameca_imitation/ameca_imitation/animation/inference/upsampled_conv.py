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
Convolutions of nearest-upsampled inputs without building the upsampled tensor.

``conv3x3(upsample_nearest(x, f))`` reads each coarse pixel f^2 times. Split by output phase
(the position of an output pixel inside its f x f block), every phase is a small convolution of
``x`` itself whose kernel sums the taps that land on the same coarse pixel: for f = 2 a 2x2
kernel (2.25x fewer multiply-adds), for f = 4 mostly 1x1 (4x fewer). Phases whose three taps
all land on the same coarse pixels (the inner f - 2 of each axis) are equal: computed once and
written to each. The result equals the original up to float summation order. Used at
inference only (see :mod:`.inference`); the phase kernels are snapshots of the weights taken
when this module is built.
"""

import itertools

import torch
from torch import nn
import torch.nn.functional as F

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def _phase_classes(factor: int) -> list[tuple[int, torch.Tensor, list[int]]]:
    """
    Output phases grouped by what they read.

    Per group: first coarse offset, a ``(taps, 3)`` map from the 3 fine taps, and its phases.
    """
    out = []
    for phase in range(factor):
        offsets = [(phase + d) // factor for d in (-1, 0, 1)]
        lo = min(offsets)
        taps = torch.zeros(max(offsets) - lo + 1, 3)
        for k, o in enumerate(offsets):
            taps[o - lo, k] = 1.0
        for group in out:
            if group[0] == lo and group[1].shape == taps.shape and torch.equal(group[1], taps):
                group[2].append(phase)
                break
        else:
            out.append((lo, taps, [phase]))
    return out


class UpsampledConv(nn.Module):
    """
    Compute ``conv(upsample_nearest(x, factors))`` for a 3-tap, padding-1, stride-1 conv.

    ``factors``: one integer per spatial axis (1 = not upsampled along it).
    """

    def __init__(self, conv: nn.Module, factors: tuple[int, ...]):
        super().__init__()
        if (any(k != 3 for k in conv.kernel_size) or any(p != 1 for p in conv.padding)
                or any(s != 1 for s in conv.stride) or conv.groups != 1):
            raise ValueError('UpsampledConv needs a 3-tap conv with padding 1, stride 1')
        self.factors = tuple(factors)
        # Non-persistent buffers: moved with the model, never in its state_dict.
        self.register_buffer('bias', None if conv.bias is None else conv.bias.detach().clone(),
                             persistent=False)
        self.phases, self.offsets = [], []
        for i, combo in enumerate(itertools.product(*(_phase_classes(f)
                                                      for f in self.factors))):
            w = conv.weight.detach()
            for axis, (_, taps, _) in enumerate(combo):
                w = torch.movedim(torch.tensordot(taps.to(w), torch.movedim(w, 2 + axis, 0),
                                                  dims=1), 0, 2 + axis)
            self.phases.append(list(itertools.product(*(phases for _, _, phases in combo))))
            self.offsets.append(tuple(lo for lo, _, _ in combo))
            self.register_buffer(f'weight_{i}', w.contiguous(), persistent=False)

    def forward(self, x):
        """``(B, C, *S)`` coarse input -> ``(B, K, *(S * factors))``."""
        return self.assemble(self.by_phase(x))

    def by_phase(self, x):
        """Compute the output unassembled: one ``(B, K, *S)`` map per group of equal phases."""
        spatial = x.shape[2:]
        conv = CONV[len(spatial)]
        padded = F.pad(x, [1] * (2 * len(spatial)))
        outs = []
        for i, offsets in enumerate(self.offsets):
            # Convolve the whole padded map (no strided copy of the input); output i starts at
            # padded pixel i, and this phase needs the n outputs that start at 1 + offset.
            y = conv(padded, getattr(self, f'weight_{i}'), self.bias)
            kept = tuple(slice(1 + lo, 1 + lo + n) for lo, n in zip(offsets, spatial))
            outs.append(y[(slice(None), slice(None)) + kept])
        return outs

    def assemble(self, outs: list[torch.Tensor], rows: tuple[int, int] | None = None):
        """
        Interleave :meth:`by_phase`'s maps into the upsampled output (or its rows ``lo .. hi``).

        Channels-last if the maps are.
        """
        f = self.factors[0]
        lo, hi = rows or (0, outs[0].shape[2] * f)
        first, last = lo // f, (hi - 1) // f + 1            # the coarse rows that hold them
        outs = [y[:, :, first:last] for y in outs]
        if all(n == 1 for n in self.factors):
            return outs[0][:, :, lo - first:hi - first]
        y = outs[0]
        channels_last = y.dim() == 4 and y.shape[1] > 1 and y.stride(1) == 1
        out = torch.empty(*y.shape[:2], *(s * f for s, f in zip(y.shape[2:], self.factors)),
                          dtype=y.dtype, device=y.device,
                          memory_format=torch.channels_last if channels_last
                          else torch.contiguous_format)
        for phases, y in zip(self.phases, outs):
            for phase in phases:
                into = tuple(slice(p, None, f) for p, f in zip(phase, self.factors))
                out[(slice(None), slice(None)) + into] = y
        return out[:, :, lo - first * f:hi - first * f]

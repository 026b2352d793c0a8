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
3x3 convolutions through Winograd's minimal filtering F(2x2, 3x3), for wide layers on CPUs.

Every 2x2 block of outputs is read from a 4x4 input tile: the tile and the kernel are
transformed (``V = B^T d B``, ``U = G g G^T``), multiplied elementwise in the 16 transformed
positions (for many channels: 16 channel-mixing 1x1 convs) and transformed back
(``Y = A^T M A``). That is 16 multiplies per 4 outputs instead of 36: 2.25x fewer. The
transforms are cheap elementwise passes, so it pays where the channel mixing dominates:
LivePortrait's twelve 512 -> 512 convs in G (85 -> about 65 ms each here); with few input
channels or many output channels the transforms cost more than they save (measured), and on
GPUs cuDNN picks its own algorithms, Winograd among them, so it is used on CPUs only. The
result equals the direct conv to float rounding (the transforms' coefficients are 0, +-1 and
+-1/2). Used at inference only (see :mod:`.inference`).
"""

from ameca_imitation.animation.inference.same_conv import is_same_conv
import torch
from torch import nn
import torch.nn.functional as F

# Kernel transform G (4x3): U = G g G^T, computed once in float64.
_G = ((1.0, 0.0, 0.0), (0.5, 0.5, 0.5), (0.5, -0.5, 0.5), (0.0, 0.0, 1.0))


def _rows(x, dim):
    """
    ``B^T d`` along ``dim`` (negative) for every tile at once: four tensors, one per row.

    ``x`` holds ``2n + 2`` rows along ``dim`` (padded); tile i reads rows 2i .. 2i + 3.
    """
    def every_other(start):
        return x[(Ellipsis, slice(start, None, 2)) + (slice(None),) * (-1 - dim)]
    even, odd = every_other(0), every_other(1)
    n = even.shape[dim] - 1
    e0, e1 = even.narrow(dim, 0, n), even.narrow(dim, 1, n)
    o0, o1 = odd.narrow(dim, 0, n), odd.narrow(dim, 1, n)
    # B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]] on (d0, d1, d2, d3)
    return e0 - e1, o0 + e1, e1 - o0, o0 - o1


def winograd_pays(weight: torch.Tensor) -> bool:
    """
    Whether a kernel on the CPU is wide enough for Winograd to win (measured here).

    2-D ``(K, C, 3, 3)``: at least 256 channels in and out. 3-D ``(K, C, kd, 3, 3)``: at least
    128 (LivePortrait's full-resolution hourglass output, 142 -> 142: 374 -> 324 ms; the
    narrower 3-D convs, and any on small volumes, lose).
    """
    if weight.device.type != 'cpu' or tuple(weight.shape[-2:]) != (3, 3):
        return False
    return min(weight.shape[:2]) >= {4: 256, 5: 128}.get(weight.dim(), 1 << 30)


def route_through_winograd(conv: nn.Module) -> nn.Module:
    """
    Make an ``nn.Conv2d``/``nn.Conv3d`` compute through :class:`WinogradConv`, in place.

    It must be stride 1, ungrouped, undilated, zero 'same' padding. Its parameters and
    state_dict stay; the transformed kernel is a snapshot of the weights taken now.
    """
    if tuple(conv.kernel_size[-2:]) != (3, 3) or not is_same_conv(conv):
        raise ValueError('route_through_winograd needs a plain stride-1, same-padded 3x3 conv')
    conv.winograd = WinogradConv(conv.weight, conv.bias)
    conv.forward = conv.winograd.forward
    return conv


class WinogradConv(nn.Module):
    """
    ``conv(x, weight, bias, padding=1)`` for a stride-1 kernel, 3x3 in height and width.

    2-D: ``(K, C, 3, 3)``. 3-D: ``(K, C, kd, 3, 3)`` with odd ``kd``: Winograd in height and
    width, and the depth taps summed by the channel-mixing convs, which become ``(kd, 1, 1)``.
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None = None):
        super().__init__()
        if weight.dim() not in (4, 5) or tuple(weight.shape[-2:]) != (3, 3) or (
                weight.dim() == 5 and weight.shape[2] % 2 == 0):
            raise ValueError('WinogradConv needs a (K, C, 3, 3) or (K, C, odd, 3, 3) kernel')
        g = torch.tensor(_G, dtype=torch.float64)
        u = torch.einsum('ai,kc...ij,bj->abkc...', g, weight.detach().double(), g)
        # Non-persistent buffers: moved with the model, never in its state_dict.
        self.register_buffer('transformed', u.reshape(16, *weight.shape[:-2], 1, 1)
                             .to(weight.dtype).contiguous(), persistent=False)
        self.register_buffer('bias', None if bias is None else bias.detach().clone(),
                             persistent=False)

    def forward(self, x, rows: tuple[int, int] = (1, 1)):
        """
        ``(B, C, [D,] H, W)`` -> ``(B, K, [D,] H + top + bottom - 2, W)``.

        ``rows``: the zero rows padded above and below (``(1, 1)``: the conv's own padding;
        fewer where ``x`` holds the neighbouring rows of a larger map).
        """
        w = x.shape[-1]
        top, bottom = rows
        h = x.shape[-2] + top + bottom - 2                   # output rows
        if x.dim() == 4:
            conv, pad, layout = F.conv2d, (), torch.channels_last
        else:
            depth_pad = self.transformed.shape[3] // 2
            conv, pad, layout = F.conv3d, (depth_pad, depth_pad), torch.channels_last_3d
        # The conv's zero padding, plus one more row/column where a size is odd; channels-last,
        # so that the 16 channel-mixing convs are plain GEMMs in oneDNN (measured faster).
        xp = F.pad(x, (1, 1 + w % 2, top, bottom + h % 2) + pad).contiguous(memory_format=layout)
        m = [conv(v, self.transformed[4 * a + b])
             for a, row in enumerate(_rows(xp, -2)) for b, v in enumerate(_rows(row, -1))]
        # Y = A^T M A with A^T = [[1, 1, 1, 0], [0, 1, -1, -1]], rows first.
        rows = ([m[b] + m[4 + b] + m[8 + b] for b in range(4)],
                [m[4 + b] - m[8 + b] - m[12 + b] for b in range(4)])
        out = x.new_empty(*m[0].shape[:-2], h + h % 2, w + w % 2)
        for p, s in enumerate(rows):
            out[..., p::2, 0::2] = s[0] + s[1] + s[2]
            out[..., p::2, 1::2] = s[1] - s[2] - s[3]
        out = out[..., :h, :w]
        if self.bias is not None:          # in place: out is this call's own tensor
            out.add_(self.bias.view(1, -1, *[1] * (x.dim() - 2)))
        return out

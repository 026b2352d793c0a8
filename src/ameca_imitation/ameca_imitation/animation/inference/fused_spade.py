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
LivePortrait's SPADE residual block rewritten for inference (see :mod:`..inference`).

* the SPADEs' ``mlp_shared`` convs read the same map: one conv with their outputs stacked
  (through :class:`UpsampledConv` when that map is upsampled);
* each SPADE's ``gamma`` and ``beta`` convs read the same hidden map: one conv;
* the shortcut ``conv_s(norm(x) * (1 + gamma_s) + beta_s)`` is linear in ``beta_s`` and
  ``conv_s`` is 1x1, so ``conv_s o mlp_beta_s`` is one 3x3 conv to ``fout`` channels instead
  of ``fin`` (half the work of that branch in ``up_0``, a quarter in ``up_1``);
* instance norm of ``x`` is computed once for ``norm_0`` and ``norm_s``, and on the coarse
  map when the decoder upsamples ``x`` (``upsample``): the full-size ``x`` is never built;
* the wide main convs (the middle blocks' 512 -> 512) through Winograd F(2x2, 3x3)
  (:class:`WinogradConv`, on CPUs);
* on CPUs, in bands of rows (:mod:`..chunking`), each read with the rows of context its 3x3
  convs need: ``up_0`` and ``up_1`` built about 1.1 GB of tensors per frame that glibc maps
  fresh. The instance norm of ``conv_0``'s output needs the whole map, so that map is built
  first, band by band, and the rest follows band by band. ``mlp_shared``'s output is kept by
  phase at the seg's resolution (:meth:`UpsampledConv.by_phase`) and assembled per band.
"""

from ameca_imitation.animation.inference.chunking import pieces
from ameca_imitation.animation.inference.upsampled_conv import UpsampledConv
from ameca_imitation.animation.inference.winograd import winograd_pays, WinogradConv
from ameca_imitation.animation.liveportrait.spade import LEAKY_SLOPE, SPADEResnetBlock
import torch
from torch import nn
import torch.nn.functional as F


def _upsampled_rows(t, factor, lo, hi):
    """Rows ``lo .. hi`` of ``upsample_nearest(t, factor)``, ``t`` ``(B, C, H, W)``."""
    if factor == 1:
        return t[:, :, lo:hi]
    first = lo // factor
    up = F.interpolate(t[:, :, first:(hi - 1) // factor + 1], scale_factor=factor)
    return up[:, :, lo - first * factor:hi - first * factor]


class FusedSPADEResnetBlock(nn.Module):
    """
    The same block with its SPADE convs merged, for inference (weights snapshot when built).

    Weights are plain tensors, not parameters: the block's state_dict stays the release's.
    Build it after :func:`.spade.fold_spectral_norm`.
    """

    def __init__(self, block: SPADEResnetBlock, winograd: bool = True):
        super().__init__()
        with torch.no_grad():
            norms = [block.norm_0, block.norm_1] + ([block.norm_s] if block.learned_shortcut
                                                    else [])
            self.hidden = block.norm_0.mlp_gamma.in_channels
            tensors = {'shared_w': torch.cat([n.mlp_shared[0].weight for n in norms]),
                       'shared_b': torch.cat([n.mlp_shared[0].bias for n in norms])}
            for i, n in enumerate(norms[:2]):
                tensors[f'mod{i}_w'] = torch.cat([n.mlp_gamma.weight, n.mlp_beta.weight])
                tensors[f'mod{i}_b'] = torch.cat([n.mlp_gamma.bias, n.mlp_beta.bias])
            main = {name: getattr(block, name) for name in ('conv_0', 'conv_1')}
            self.winograd = nn.ModuleDict({name: WinogradConv(conv.weight, conv.bias)
                                           for name, conv in main.items()
                                           if winograd and winograd_pays(conv.weight)})
            for name, conv in main.items():
                if name not in self.winograd:
                    tensors[name + '_w'], tensors[name + '_b'] = conv.weight, conv.bias
            if block.learned_shortcut:
                ws = block.conv_s.weight                                     # (fout, fin, 1, 1)
                beta = block.norm_s.mlp_beta
                folded = torch.einsum('of,fhij->ohij', ws[:, :, 0, 0], beta.weight)
                tensors['mod2_w'] = torch.cat([block.norm_s.mlp_gamma.weight, folded])
                tensors['mod2_b'] = torch.cat([block.norm_s.mlp_gamma.bias,
                                               ws[:, :, 0, 0] @ beta.bias])
                tensors['conv_s_w'] = ws
        # Non-persistent buffers: moved with the model, never in its state_dict.
        for name, tensor in tensors.items():
            self.register_buffer(name, tensor.detach().clone().contiguous(), persistent=False)
        self.upsampled = nn.ModuleDict()                         # 'fy,fx' -> UpsampledConv
        self.learned_shortcut = block.learned_shortcut
        self.eps = block.norm_0.param_free_norm.eps

    def _conv_rows(self, name, x, rows):
        """
        3x3 conv ``name`` of ``x``'s rows with ``rows = (top, bottom)`` zero rows around them.

        ``x`` holds rows of a larger map: 1 pads where the map ends, 0 where ``x`` carries the
        neighbouring row; ``H + top + bottom - 2`` rows out.
        """
        if name in self.winograd:
            return self.winograd[name](x, rows)
        weight, bias = getattr(self, name + '_w'), getattr(self, name + '_b')
        if rows[0] != rows[1]:
            x, rows = F.pad(x, (0, 0) + rows), (0, 0)
        return F.conv2d(x, weight, bias, padding=(rows[0], 1))

    def _hidden(self, seg, size):
        """
        ``relu(mlp_shared(seg upsampled to size))`` of every SPADE, unassembled.

        The maps of :meth:`UpsampledConv.by_phase`, at the seg's resolution (small): bands
        assemble the rows they need (:meth:`UpsampledConv.assemble`).
        """
        factors = tuple(s // n for s, n in zip(size, seg.shape[2:]))
        key = ','.join(map(str, factors))
        if key not in self.upsampled:           # once per factor, on the first frame
            conv = nn.Conv2d(self.shared_w.shape[1], self.shared_w.shape[0], 3, padding=1)
            with torch.no_grad():
                conv.to(self.shared_w).weight.copy_(self.shared_w)
                conv.bias.copy_(self.shared_b)
            self.upsampled[key] = UpsampledConv(conv, factors)
        upsampled = self.upsampled[key]
        return upsampled, [y.relu_() for y in upsampled.by_phase(seg)]

    def _modulate(self, i, normed, act, rows):
        gamma, beta = self._conv_rows(f'mod{i}', act, rows).chunk(2, dim=1)
        return F.leaky_relu(torch.addcmul(beta, normed, gamma.add_(1)), LEAKY_SLOPE, inplace=True)

    def _bands(self, x, size):
        """Row ranges ``(lo, hi)`` that cover ``size`` (:mod:`..chunking`)."""
        # the widest tensor of a band: a modulation conv's output
        widest = max(self.mod0_w.shape[0], getattr(self, 'mod2_w', self.mod0_w).shape[0])
        n = pieces(size[0], x.shape[0] * widest * size[1] * x.element_size(), x.device)
        rows = -(-size[0] // n)
        return [(lo, min(lo + rows, size[0])) for lo in range(0, size[0], rows)]

    def forward(self, x, seg, upsample: int = 1):
        """``x`` ``(B, fin, H, W)``, upsampled (nearest) by ``upsample`` first."""
        # Nearest upsampling repeats every pixel, which keeps each channel's mean and
        # variance: normalise the coarse map, upsample rows of the result as the bands need.
        normed = F.instance_norm(x, eps=self.eps)
        size = (x.shape[2] * upsample, x.shape[3] * upsample)
        bands = self._bands(x, size)

        def context(lo, hi):
            """Rows around lo .. hi that a 3x3 conv reads inside the map, and its zero rows."""
            a, b = max(lo - 1, 0), min(hi + 1, size[0])
            return a, b, (1 - (lo - a), 1 - (b - hi))

        upsampled, hidden = self._hidden(seg, size)
        h = self.hidden

        def acts(lo, hi, channels):
            return upsampled.assemble([y[:, channels] for y in hidden], (lo, hi))

        dx = []
        for lo, hi in bands:
            a, b, rows = context(lo, hi)            # conv_0 reads rows a .. b
            c, d, act_rows = context(a, b)
            mod = self._modulate(0, _upsampled_rows(normed, upsample, a, b),
                                 acts(c, d, slice(0, h)), act_rows)
            dx.append(self._conv_rows('conv_0', mod, rows))
        dx = F.instance_norm(dx[0] if len(dx) == 1 else torch.cat(dx, dim=2), eps=self.eps)
        out = []
        for lo, hi in bands:
            a, b, rows = context(lo, hi)
            c, d, act_rows = context(a, b)
            mod = self._modulate(1, dx[:, :, a:b], acts(c, d, slice(h, 2 * h)), act_rows)
            band = self._conv_rows('conv_1', mod, rows)
            if not self.learned_shortcut:
                band.add_(_upsampled_rows(x, upsample, lo, hi))
            else:
                gamma, beta = self._conv_rows('mod2', acts(a, b, slice(2 * h, 3 * h)),
                                              rows).split([x.shape[1], band.shape[1]], dim=1)
                shortcut = _upsampled_rows(normed, upsample, lo, hi) * gamma.add_(1)
                band.add_(F.conv2d(shortcut, self.conv_s_w)).add_(beta)
            out.append(band)
        return out[0] if len(out) == 1 else torch.cat(out, dim=2)

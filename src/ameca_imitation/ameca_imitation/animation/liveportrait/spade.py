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
G: SPADE decoder, warped features ``(B, 256, 64, 64)`` -> image ``(B, 3, 512, 512)``.

The release wraps the residual blocks' convs in spectral normalisation, so its checkpoint holds
``weight_orig``/``weight_u``/``weight_v``; those load as they are. :func:`fold_spectral_norm`
then replaces each by the plain weight ``W = weight_orig / (u . (weight_orig v))``, exactly what
spectral norm computes in eval mode, once, instead of on every forward pass.
"""

from dataclasses import dataclass

from ameca_imitation.animation.upsampled_conv import UpsampledConv
from ameca_imitation.animation.winograd import winograd_pays, WinogradConv
import torch
from torch import nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

SPADE_HIDDEN = 128
LEAKY_SLOPE = 0.2


class SPADE(nn.Module):
    """Instance norm modulated by ``gamma``, ``beta`` predicted from the segmentation map."""

    def __init__(self, channels, label_channels, hidden=SPADE_HIDDEN):
        super().__init__()
        self.param_free_norm = nn.InstanceNorm2d(channels, affine=False)
        self.mlp_shared = nn.Sequential(nn.Conv2d(label_channels, hidden, 3, padding=1),
                                        nn.ReLU())
        self.mlp_gamma = nn.Conv2d(hidden, channels, 3, padding=1)
        self.mlp_beta = nn.Conv2d(hidden, channels, 3, padding=1)

    def forward(self, x, seg):
        act = self.mlp_shared(F.interpolate(seg, size=x.shape[2:], mode='nearest'))
        return self.param_free_norm(x) * (1 + self.mlp_gamma(act)) + self.mlp_beta(act)


class SPADEResnetBlock(nn.Module):

    def __init__(self, fin, fout, label_channels, hidden=SPADE_HIDDEN):
        super().__init__()
        self.learned_shortcut = fin != fout
        fmid = min(fin, fout)
        self.conv_0 = spectral_norm(nn.Conv2d(fin, fmid, 3, padding=1))
        self.conv_1 = spectral_norm(nn.Conv2d(fmid, fout, 3, padding=1))
        self.norm_0 = SPADE(fin, label_channels, hidden)
        self.norm_1 = SPADE(fmid, label_channels, hidden)
        if self.learned_shortcut:
            self.conv_s = spectral_norm(nn.Conv2d(fin, fout, 1, bias=False))
            self.norm_s = SPADE(fin, label_channels, hidden)

        self.fused = None          # a FusedSPADEResnetBlock at inference (animation.inference)

    def forward(self, x, seg, upsample: int = 1):
        """``x`` ``(B, fin, H, W)``, upsampled (nearest) by ``upsample`` first."""
        if self.fused is not None:
            return self.fused(x, seg, upsample)
        if upsample > 1:
            x = F.interpolate(x, scale_factor=upsample)
        shortcut = self.conv_s(self.norm_s(x, seg)) if self.learned_shortcut else x
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, seg), LEAKY_SLOPE))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, seg), LEAKY_SLOPE))
        return shortcut + dx


class FusedSPADEResnetBlock(nn.Module):
    """
    The same block with its SPADE convs merged, for inference (weights snapshot when built).

    * the SPADEs' ``mlp_shared`` convs all read the same map: one conv with their outputs stacked
      (through :class:`UpsampledConv` when that map is upsampled);
    * each SPADE's ``gamma`` and ``beta`` convs read the same hidden map: one conv;
    * the shortcut ``conv_s(norm(x) * (1 + gamma_s) + beta_s)`` is linear in ``beta_s`` and
      ``conv_s`` is 1x1, so ``conv_s o mlp_beta_s`` is one 3x3 conv to ``fout`` channels
      instead of ``fin`` (half the work of that branch in ``up_0``, a quarter in ``up_1``);
    * instance norm of ``x`` is computed once for ``norm_0`` and ``norm_s``, and on the coarse
      map when the decoder upsamples ``x`` (``upsample``): the full-size ``x`` is never built;
    * the wide main convs (the middle blocks' 512 -> 512) through Winograd F(2x2, 3x3)
      (:class:`WinogradConv`, on CPUs).

    Weights are plain tensors, not parameters: the block's state_dict stays the release's.
    Build it after :func:`fold_spectral_norm`.
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
        self.upsampled = nn.ModuleDict()                      # 'fy,fx' -> UpsampledConv
        self.learned_shortcut = block.learned_shortcut
        self.eps = block.norm_0.param_free_norm.eps

    def _hidden(self, seg, size):
        factors = tuple(a // b for a, b in zip(size, seg.shape[2:]))
        if factors == (1, 1):
            return F.relu(F.conv2d(seg, self.shared_w, self.shared_b, padding=1))
        key = ','.join(map(str, factors))
        if key not in self.upsampled:          # once per upsampling factor, on the first frame
            conv = nn.Conv2d(self.shared_w.shape[1], self.shared_w.shape[0], 3, padding=1)
            with torch.no_grad():
                conv.to(self.shared_w).weight.copy_(self.shared_w)
                conv.bias.copy_(self.shared_b)
            self.upsampled[key] = UpsampledConv(conv, factors)
        return F.relu(self.upsampled[key](seg))

    def _conv(self, name, x):
        if name in self.winograd:
            return self.winograd[name](x)
        return F.conv2d(x, getattr(self, name + '_w'), getattr(self, name + '_b'), padding=1)

    def _modulate(self, i, normed, act):
        w, b = getattr(self, f'mod{i}_w'), getattr(self, f'mod{i}_b')
        gamma, beta = F.conv2d(act, w, b, padding=1).chunk(2, dim=1)
        return F.leaky_relu(torch.addcmul(beta, normed, gamma.add_(1)), LEAKY_SLOPE, inplace=True)

    def forward(self, x, seg, upsample: int = 1):
        normed = F.instance_norm(x, eps=self.eps)
        if upsample > 1:
            # Nearest upsampling repeats every pixel, which keeps each channel's mean and
            # variance: normalise the coarse map, then upsample the result.
            normed = F.interpolate(normed, scale_factor=upsample)
            if not self.learned_shortcut:
                x = F.interpolate(x, scale_factor=upsample)
        acts = self._hidden(seg, normed.shape[2:]).split(self.hidden, dim=1)
        dx = self._conv('conv_0', self._modulate(0, normed, acts[0]))
        dx = self._conv('conv_1', self._modulate(1, F.instance_norm(dx, eps=self.eps), acts[1]))
        if not self.learned_shortcut:
            return dx.add_(x)
        gamma, beta = F.conv2d(acts[2], self.mod2_w, self.mod2_b, padding=1).split(
            [x.shape[1], dx.shape[1]], dim=1)
        return dx.add_(F.conv2d(normed * gamma.add_(1), self.conv_s_w)).add_(beta)


@dataclass
class SPADEConfig:
    upscale: int = 2
    block_expansion: int = 64
    max_features: int = 512
    num_down_blocks: int = 2
    out_channels: int = 64
    num_middle_blocks: int = 6         # the release; small training configurations use fewer
    spade_hidden: int = SPADE_HIDDEN


class SPADEDecoder(nn.Module):

    def __init__(self, config: SPADEConfig | None = None):
        super().__init__()
        self.config = c = config or SPADEConfig()
        cin = min(c.max_features, c.block_expansion * 2 ** c.num_down_blocks)     # 256
        self.fc = nn.Conv2d(cin, 2 * cin, 3, padding=1)
        for i in range(c.num_middle_blocks):
            block = SPADEResnetBlock(2 * cin, 2 * cin, cin, c.spade_hidden)
            setattr(self, f'G_middle_{i}', block)
        self.up_0 = SPADEResnetBlock(2 * cin, cin, cin, c.spade_hidden)
        self.up_1 = SPADEResnetBlock(cin, c.out_channels, cin, c.spade_hidden)
        if c.upscale is None or c.upscale <= 1:
            self.conv_img = nn.Conv2d(c.out_channels, 3, 3, padding=1)
        else:
            self.conv_img = nn.Sequential(nn.Conv2d(c.out_channels, 3 * 4, 3, padding=1),
                                          nn.PixelShuffle(2))

    def forward(self, feature):
        seg = feature
        x = self.fc(feature)
        for i in range(self.config.num_middle_blocks):
            x = getattr(self, f'G_middle_{i}')(x, seg)
        x = self.up_0(x, seg, upsample=2)
        x = self.up_1(x, seg, upsample=2)
        return torch.sigmoid(self.conv_img(F.leaky_relu(x, LEAKY_SLOPE)))


def fold_spectral_norm(model: nn.Module) -> nn.Module:
    """Replace every spectral-norm reparametrisation by its eval-mode weight (in place)."""
    for module in model.modules():
        for hook in list(module._forward_pre_hooks.values()):
            if type(hook).__name__ == 'SpectralNorm':
                torch.nn.utils.remove_spectral_norm(module)
    return model

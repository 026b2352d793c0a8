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
Policy networks (pure ``nn.Module``s: they only compute).

* :class:`X2CNet`: the published mapping network, ResNet-18 without fc + MLP 512-256-256-30, laid
  out so the official ``x2control.pth`` state_dict loads strictly (``feature_extractor.0..8``,
  ``pos_pred_head.0/2/4``). Input ``(B, 3, 224, 224)`` normalised RGB; output ``(B, 30)``.
* :class:`SmallImagePolicy`: our fast variant for the twin's images (96 px face crop).
* :class:`FeatureMLP`: expression features and head pose -> controls.

All return normalised controls in [0, 1] for :class:`SmallImagePolicy` and :class:`FeatureMLP`
(sigmoid); X2CNet returns its raw head output, as published.
"""

from dataclasses import dataclass

import torch
from torch import nn


class BasicBlock(nn.Module):
    """ResNet basic block (two 3x3 convs), torchvision's parameter names."""

    def __init__(self, cin: int, cout: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


def resnet18_trunk() -> nn.Sequential:
    """ResNet-18 without fc: conv1, bn1, relu, maxpool, layer1..4, avgpool (indices 0..8)."""
    def layer(cin, cout, stride):
        return nn.Sequential(BasicBlock(cin, cout, stride), BasicBlock(cout, cout))
    return nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64),
                         nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1),
                         layer(64, 64, 1), layer(64, 128, 2), layer(128, 256, 2),
                         layer(256, 512, 2), nn.AdaptiveAvgPool2d(1))


@dataclass
class X2CNetConfig:
    num_controls: int = 30
    image_size: int = 224
    crop: float = 0.0                          # the published model sees the whole image
    mean: tuple = (0.4885, 0.4294, 0.3233)     # X2CNet conf/config.yaml
    std: tuple = (0.1382, 0.1195, 0.1087)


class X2CNet(nn.Module):

    def __init__(self, config: X2CNetConfig | None = None):
        super().__init__()
        self.config = config or X2CNetConfig()
        self.feature_extractor = resnet18_trunk()
        self.pos_pred_head = nn.Sequential(nn.Linear(512, 256), nn.ReLU(inplace=True),
                                           nn.Linear(256, 256), nn.ReLU(inplace=True),
                                           nn.Linear(256, self.config.num_controls))

    def forward(self, x):
        """``(B, 3, 224, 224)`` normalised RGB -> (features ``(B, 512)``, controls ``(B, 30)``)."""
        features = self.feature_extractor(x).flatten(1)
        return features, self.pos_pred_head(features)


@dataclass
class SmallImageConfig:
    num_controls: int = 30
    image_size: int = 96           # input side, pixels (the twin render resized)
    crop: float = 0.12             # share of each side cut off first: the face fills the frame
    width: int = 32                # channels of the first conv; doubled every stage up to 8x
    hidden: int = 256              # head width
    mean: tuple = (0.5, 0.5, 0.5)
    std: tuple = (0.25, 0.25, 0.25)


class SmallImagePolicy(nn.Module):
    """
    Five strided conv stages to a 4x4 map, then a two-layer head with a sigmoid.

    The map is kept spatial: eyes and mouth sit at fixed places in the twin's framing.
    """

    def __init__(self, config: SmallImageConfig | None = None):
        super().__init__()
        self.config = c = config or SmallImageConfig()
        chans = [3, c.width, 2 * c.width, 4 * c.width, 4 * c.width, 8 * c.width]
        layers = []
        for cin, cout in zip(chans[:-1], chans[1:]):
            layers += [nn.Conv2d(cin, cout, 3, 2, 1, bias=False), nn.BatchNorm2d(cout),
                       nn.ReLU(inplace=True)]
        self.trunk = nn.Sequential(*layers)
        side = c.image_size // 32
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(chans[-1] * side * side, c.hidden),
                                  nn.ReLU(inplace=True), nn.Linear(c.hidden, c.num_controls))

    def forward(self, x):
        """``(B, 3, S, S)`` normalised RGB -> ``(B, N)`` normalised controls in [0, 1]."""
        return torch.sigmoid(self.head(self.trunk(x)))


@dataclass
class FeatureMLPConfig:
    num_inputs: int = 22           # 19 expression features + pitch, yaw, roll
    num_controls: int = 30
    hidden: int = 256
    layers: int = 3


class FeatureMLP(nn.Module):
    """
    Features ``(B, F)`` -> ``(B, N)`` normalised controls in [0, 1].

    Inputs are clamped to the range seen in training (``input_low``/``input_high``) before they
    are standardised: a person's features can lie far past anything the twin showed, and an MLP
    extrapolates there without bound.
    """

    def __init__(self, config: FeatureMLPConfig | None = None):
        super().__init__()
        self.config = c = config or FeatureMLPConfig()
        # Standardisation statistics live in the checkpoint with the weights.
        self.register_buffer('input_mean', torch.zeros(c.num_inputs))
        self.register_buffer('input_std', torch.ones(c.num_inputs))
        self.register_buffer('input_low', torch.full((c.num_inputs,), -torch.inf))
        self.register_buffer('input_high', torch.full((c.num_inputs,), torch.inf))
        dims = [c.num_inputs] + [c.hidden] * c.layers
        layers = []
        for a, b in zip(dims[:-1], dims[1:]):
            layers += [nn.Linear(a, b), nn.GELU()]
        self.net = nn.Sequential(*layers, nn.Linear(dims[-1], c.num_controls))

    def forward(self, x):
        x = torch.clamp(x, self.input_low, self.input_high)
        return torch.sigmoid(self.net((x - self.input_mean) / self.input_std))

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

"""F: the source image -> a 3-D appearance feature volume ``(B, 32, 16, 64, 64)``."""

from dataclasses import dataclass

from ameca_imitation.animation.blocks import DownBlock2d, SameBlock2d
from ameca_imitation.animation.liveportrait.blocks3d import ResBlock3d
from torch import nn


@dataclass
class AppearanceConfig:
    image_channel: int = 3
    block_expansion: int = 64
    num_down_blocks: int = 2
    max_features: int = 512
    reshape_channel: int = 32
    reshape_depth: int = 16
    num_resblocks: int = 6


class AppearanceFeatureExtractor(nn.Module):

    def __init__(self, config: AppearanceConfig | None = None):
        super().__init__()
        self.config = c = config or AppearanceConfig()
        self.first = SameBlock2d(c.image_channel, c.block_expansion, 3, 1)
        widths = [min(c.max_features, c.block_expansion * 2 ** i)
                  for i in range(c.num_down_blocks + 1)]
        self.down_blocks = nn.ModuleList(DownBlock2d(a, b)
                                         for a, b in zip(widths[:-1], widths[1:]))
        self.second = nn.Conv2d(widths[-1], c.max_features, 1)
        self.resblocks_3d = nn.Sequential()
        for i in range(c.num_resblocks):
            self.resblocks_3d.add_module(f'3dr{i}', ResBlock3d(c.reshape_channel))

    def forward(self, image):
        """``(B, 3, 256, 256)`` RGB in [0, 1] -> ``f_s`` ``(B, 32, 16, 64, 64)``."""
        out = self.first(image)
        for block in self.down_blocks:
            out = block(out)
        out = self.second(out)                                   # (B, 512, 64, 64)
        b, _, h, w = out.shape
        volume = out.view(b, self.config.reshape_channel, self.config.reshape_depth, h, w)
        return self.resblocks_3d(volume)

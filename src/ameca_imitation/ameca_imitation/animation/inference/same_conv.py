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

"""Which convolutions the inference rewrites may replace: plain 'same' convs."""

from torch import nn


def is_same_conv(conv: nn.Module) -> bool:
    """
    Whether ``conv`` keeps its input's size the plain way.

    Stride 1, ungrouped, undilated, odd kernel, zero padding of half the kernel on each side.
    """
    k = conv.kernel_size
    half = conv.padding == 'same' or tuple(conv.padding) == tuple(n // 2 for n in k)
    return (half and all(s == 1 for s in conv.stride) and conv.groups == 1
            and all(d == 1 for d in conv.dilation) and all(n % 2 == 1 for n in k)
            and conv.padding_mode == 'zeros')

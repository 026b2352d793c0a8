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
How much of a large layer to compute at a time on CPUs.

PyTorch takes CPU memory from malloc. glibc serves blocks above its mmap threshold (at most
32 MiB) with fresh pages from the kernel on every call and unmaps them on free, so every
first touch of every page faults and the kernel zeroes it; smaller blocks it keeps and reuses.
LivePortrait's W and G built about 2 GB of such tensors per frame, about 13 % of the frame
(measured against glibc told to keep everything, ``MALLOC_MMAP_THRESHOLD_``): the inference
rewrites cut their largest layers into pieces below :data:`CHUNK_BYTES`. Set it very large to
switch this off (with an allocator that keeps memory, say).
"""

import torch

# The largest intermediate of one piece, well below glibc's 32 MiB ceiling.
CHUNK_BYTES = 16 * 2 ** 20


def pieces(total: int, bytes_each: int, device: torch.device) -> int:
    """
    How many pieces to cut ``total`` units of ``bytes_each`` bytes into.

    One on GPUs (their caching allocators reuse memory; pieces only add launches).
    """
    if torch.device(device).type != 'cpu':
        return 1
    return min(max(-(-total * bytes_each // CHUNK_BYTES), 1), total)

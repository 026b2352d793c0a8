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

"""Strict state_dict loading shared by every model family (animation and policies)."""

import torch


class CheckpointError(RuntimeError):
    """A checkpoint that does not fit the architecture; the message lists the key mismatches."""


def _show(keys, limit=8):
    return ', '.join(keys[:limit]) + (f' (+{len(keys) - limit} more)' if len(keys) > limit else '')


def strict_load(model: torch.nn.Module, state: dict, source: str) -> None:
    """
    Load ``state`` into ``model``.

    same key set and shapes, or a :class:`CheckpointError` naming the missing, unexpected and
    wrongly shaped keys.
    """
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    wrong = sorted(f'{k} {tuple(state[k].shape)}!={tuple(own[k].shape)}'
                   for k in set(own) & set(state) if tuple(own[k].shape) != tuple(state[k].shape))
    if missing or unexpected or wrong:
        raise CheckpointError(f'{source} does not fit {type(model).__name__}: '
                              f'missing keys [{_show(missing)}]; unexpected keys '
                              f'[{_show(unexpected)}]; wrong shapes [{_show(wrong)}]')
    model.load_state_dict(state, strict=True)


def load_torch_file(path) -> dict:
    """``torch.load`` without executing pickled code (official files are plain tensors)."""
    return torch.load(path, map_location='cpu', weights_only=True)

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
Checkpoint files shared by every model family (animation and policies).

Strict state_dict loading, and the folder layout our own training writes: ``model.safetensors``
+ ``config.json`` + ``metrics.json`` + ``command.txt`` (the command line that made it).
"""

import json
from pathlib import Path
import shlex
import sys

from safetensors.torch import save_file
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


def save_folder(folder: str | Path, model: torch.nn.Module, config: dict,
                metrics: dict | None = None) -> Path:
    """Write ``model``'s weights, ``config``, ``metrics`` and this process's command line."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
              folder / 'model.safetensors')
    (folder / 'config.json').write_text(json.dumps(config, indent=1))
    (folder / 'metrics.json').write_text(json.dumps(metrics or {}, indent=1))
    (folder / 'command.txt').write_text(' '.join(shlex.quote(a) for a in sys.argv) + '\n')
    return folder

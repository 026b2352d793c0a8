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
Checkpoints.

``model.safetensors`` + ``config.json`` (architecture, its config, the control order) +
``metrics.json`` + ``command.txt``, so a model can be rebuilt and its numbers traced. Official
X2CNet files (``x2control.pth``) load strictly through :func:`load_x2cnet_official`.
"""

import dataclasses
import json
from pathlib import Path

from ameca_imitation.policy.modules import (FeatureMLP, FeatureMLPConfig, SmallImageConfig,
                                            SmallImagePolicy, X2CNet, X2CNetConfig)
from ameca_imitation.weights import CheckpointError, load_torch_file, save_folder, strict_load
from safetensors.torch import load_file
import torch

ARCHITECTURES = {
    'small_image': (SmallImagePolicy, SmallImageConfig),
    'x2cnet': (X2CNet, X2CNetConfig),
    'feature_mlp': (FeatureMLP, FeatureMLPConfig),
    'motion_mlp': (FeatureMLP, FeatureMLPConfig),      # the same MLP on implicit motion
}


def save_checkpoint(folder: str | Path, model: torch.nn.Module, architecture: str,
                    control_names, metrics: dict | None = None) -> Path:
    config = {'architecture': architecture, 'config': dataclasses.asdict(model.config),
              'control_names': list(control_names)}
    return save_folder(folder, model, config, metrics)


def load_checkpoint(folder: str | Path) -> tuple[torch.nn.Module, dict]:
    """Rebuild the model of a checkpoint folder; returns ``(model in eval mode, config.json)``."""
    folder = Path(folder)
    if not (folder / 'config.json').is_file() or not (folder / 'model.safetensors').is_file():
        raise CheckpointError(f'{folder} is not a checkpoint (config.json + model.safetensors)')
    meta = json.loads((folder / 'config.json').read_text())
    if meta.get('architecture') not in ARCHITECTURES:
        raise CheckpointError(f'{folder}: not a policy checkpoint of a known architecture '
                              f'({meta.get("architecture")!r})')
    cls, cfg_cls = ARCHITECTURES[meta['architecture']]
    config = cfg_cls(**{k: tuple(v) if isinstance(v, list) else v
                        for k, v in meta['config'].items()})
    model = cls(config)
    state = load_file(folder / 'model.safetensors')
    if isinstance(model, FeatureMLP):
        # Folders saved before the MLP kept its training range load unbounded.
        for key in ('input_low', 'input_high'):
            state.setdefault(key, getattr(model, key).clone())
    strict_load(model, state, str(folder))
    return model.eval(), meta


def load_x2cnet_official(path: str | Path) -> X2CNet:
    """Load the published ``x2control.pth``: a dict whose ``model`` entry is the state_dict."""
    blob = load_torch_file(path)
    state = blob['model'] if isinstance(blob, dict) and 'model' in blob else blob
    model = X2CNet()
    strict_load(model, state, str(path))
    return model.eval()

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
Policy builders by name: ``make_policy(name, schema, weights)``.

Names: ``retarget``, ``mesh``, ``feature``, ``motion``, ``image``, ``x2cnet``.

Learned policies load a checkpoint folder (``weights``); without one, the defaults shipped in
``policy/weights/`` (made by ``scripts/train_default_policies.sh``) are used.
"""

from pathlib import Path

from ameca_imitation.controls import ControlSchema
from ameca_imitation.policy.checkpoint import (CheckpointError, load_checkpoint,
                                               load_x2cnet_official)
from ameca_imitation.policy.mesh_transfer import MeshTransferPolicy
from ameca_imitation.policy.retarget import RetargetPolicy
from ameca_imitation.policy.wrappers import FeaturePolicy, ImagePolicy, MotionPolicy

WEIGHTS = Path(__file__).with_name('weights')
DEFAULTS = {'feature': WEIGHTS / 'feature_mlp', 'image': WEIGHTS / 'small_image'}


def _retarget(schema, weights):
    return RetargetPolicy(schema, weights or 'pipelines/retarget.yaml')


def _mesh(schema, weights):
    return MeshTransferPolicy(schema, weights or 'pipelines/mesh.yaml')


def _learned(kind, wrapper):
    def build(schema, weights):
        model, meta = load_checkpoint(weights or DEFAULTS[kind])
        return wrapper(schema, model, meta)
    return build


def _motion(schema, weights):
    if not weights:
        raise ValueError('the motion policy needs weights: a checkpoint folder trained with '
                         'ameca-train-policy --arch motion_mlp --extractor DIR')
    model, meta = load_checkpoint(weights)
    if meta['architecture'] != 'motion_mlp':
        raise CheckpointError(f'{weights} holds a {meta["architecture"]} policy, not motion_mlp')
    return MotionPolicy(schema, model, meta)


def _x2cnet(schema, weights):
    if not weights:
        raise ValueError('the x2cnet policy needs weights: the official x2control.pth or a '
                         'checkpoint folder trained with ameca-train-policy --arch x2cnet')
    if Path(weights).is_dir():
        model, meta = load_checkpoint(weights)
        return ImagePolicy(schema, model, meta)
    return ImagePolicy(schema, load_x2cnet_official(weights))


POLICIES = {'retarget': _retarget, 'mesh': _mesh, 'feature': _learned('feature', FeaturePolicy),
            'motion': _motion, 'image': _learned('image', ImagePolicy), 'x2cnet': _x2cnet}


def make_policy(name: str, schema: ControlSchema, weights: str | None = None):
    """Build a policy; each has ``input_kind`` ('feature' or 'image') and is callable."""
    if name not in POLICIES:
        raise ValueError(f'unknown policy {name!r}; choose one of {sorted(POLICIES)}')
    return POLICIES[name](schema, weights)

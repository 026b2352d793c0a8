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
Stateful wrappers that own preprocessing, device and ``no_grad`` around the policy networks.

Both map to native control values in the schema's order, clamped to the live ranges.
"""

import copy

from ameca_imitation.controls import ControlSchema
from ameca_imitation.policy.inputs import feature_inputs, motion_inputs
from ameca_imitation.types import FaceObservation, MotionState
import cv2
import numpy as np
import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval


def default_device() -> torch.device:
    return torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def _check_order(schema: ControlSchema, meta: dict) -> None:
    names = tuple(meta.get('control_names', schema.names))
    if names != schema.names:
        raise ValueError(f'the checkpoint predicts {len(names)} controls in another order than '
                         f'the table {schema.name!r}; retrain or convert it')


def for_inference(model: nn.Module) -> nn.Module:
    """
    Return an eval-mode copy of an image network that computes the same function faster.

    Every BatchNorm that follows a conv inside an ``nn.Sequential`` is folded into that conv,
    and the weights are channels-last, the layout of oneDNN's and cuDNN's fast convolutions
    (the 96 px small image policy's whole call: 1.82 -> 1.10 ms in one run of
    bench_policies.py, two threads).
    The original keeps its state_dict.
    """
    net = copy.deepcopy(model).eval()
    for seq in net.modules():
        if isinstance(seq, nn.Sequential):
            for i in range(len(seq) - 1):
                if isinstance(seq[i], nn.Conv2d) and isinstance(seq[i + 1], nn.BatchNorm2d):
                    seq[i], seq[i + 1] = fuse_conv_bn_eval(seq[i], seq[i + 1]), nn.Identity()
    return net.to(memory_format=torch.channels_last)


def crop_resize(image: np.ndarray, size: int, crop: float = 0.0) -> np.ndarray:
    """Cut ``crop`` of each side, resize to ``(size, size)``; BGR in, RGB uint8 out."""
    h, w = image.shape[:2]
    dy, dx = int(round(h * crop)), int(round(w * crop))
    image = image[dy:h - dy, dx:w - dx]
    return cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)[..., ::-1]


def images_to_tensor(images, size: int, mean, std, crop: float = 0.0) -> torch.Tensor:
    """BGR uint8 images (list of ``(H, W, 3)``) -> ``(B, 3, size, size)`` normalised RGB."""
    batch = np.stack([crop_resize(im, size, crop) for im in images])
    x = torch.from_numpy(np.ascontiguousarray(batch)).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(mean).view(1, 3, 1, 1)
    std = torch.tensor(std).view(1, 3, 1, 1)
    return (x - mean) / std


class ImagePolicy:
    """An Ameca face image (the animated one, or a robot/twin photo) -> controls."""

    input_kind = 'image'

    def __init__(self, schema: ControlSchema, model: torch.nn.Module, meta: dict | None = None,
                 device: torch.device | None = None):
        _check_order(schema, meta or {})
        self.schema = schema
        self.device = device or default_device()
        # ``model``: the network as given (config, state_dict); ``net``: the copy that runs,
        # made once here, so weights loaded into ``model`` later are not seen.
        self.model = model.to(self.device).eval()
        self.net = for_inference(self.model)
        self.raw_head = type(model).__name__ == 'X2CNet'

    @torch.inference_mode()
    def predict_normalised(self, images) -> np.ndarray:
        """List of BGR images -> ``(B, N)`` normalised controls in [0, 1]."""
        c = self.model.config
        x = images_to_tensor(images, c.image_size, c.mean, c.std, c.crop).to(
            self.device, memory_format=torch.channels_last)
        out = self.net(x)
        if self.raw_head:
            out = out[1].clamp(0.0, 1.0)
        return out.float().cpu().numpy()

    def __call__(self, image: np.ndarray) -> np.ndarray:
        return self.schema.clamp(self.schema.denormalise(self.predict_normalised([image])[0]))


class FeaturePolicy:
    """Expression features and head pose of a face observation -> controls."""

    input_kind = 'feature'

    def __init__(self, schema: ControlSchema, model: torch.nn.Module, meta: dict | None = None,
                 device: torch.device | None = None):
        _check_order(schema, meta or {})
        self.schema = schema
        self.device = device or torch.device('cpu')     # a 22-input MLP is faster on the CPU
        self.model = model.to(self.device).eval()

    @torch.inference_mode()
    def predict_normalised(self, inputs: np.ndarray) -> np.ndarray:
        x = torch.as_tensor(np.atleast_2d(inputs), dtype=torch.float32, device=self.device)
        return self.model(x).cpu().numpy()

    def __call__(self, obs: FaceObservation) -> np.ndarray | None:
        if not obs.face_found:
            return None
        normalised = self.predict_normalised(feature_inputs(obs))[0]
        return self.schema.clamp(self.schema.denormalise(normalised))


class MotionPolicy(FeaturePolicy):
    """
    LivePortrait's implicit motion of a face -> controls.

    Called with the observation (face found, track) and its :class:`MotionState`; the first
    state of each person (and after :meth:`reset`) is their reference, as the twin's neutral
    render is for the twin renders it was trained on. A still is measured against
    ``population``, the state of the twin's neutral render, when it is set.
    """

    input_kind = 'motion'

    def __init__(self, schema: ControlSchema, model: torch.nn.Module, meta: dict | None = None,
                 device: torch.device | None = None):
        super().__init__(schema, model, meta, device)
        self.population = None
        self.reset()

    def reset(self) -> None:
        self._reference = self._track = None

    def __call__(self, obs: FaceObservation, state: MotionState | None = None,
                 still: bool = False):
        if not obs.face_found or state is None:
            return None
        if still and self.population is not None:
            reference = self.population
        else:
            if self._reference is None or obs.track_id != self._track:
                self._reference, self._track = state, obs.track_id
            reference = self._reference
        x = motion_inputs(state, reference)
        if len(x) != self.model.config.num_inputs:
            raise ValueError(f'a motion state of {len(state.expression)} keypoints; the motion '
                             f'policy reads {self.model.config.num_inputs} inputs')
        normalised = self.predict_normalised(x)[0]
        return self.schema.clamp(self.schema.denormalise(normalised))

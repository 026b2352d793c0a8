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
Self-supervised training of the animation models on videos (FOMM's recipe).

Two frames of one clip: the source and the driving frame. The model must redraw the driving
frame from the source and both frames' keypoints, so the only way down the loss is to find
keypoints that carry the motion. Losses: L1 over an image pyramid; equivariance of keypoints
(and FOMM's Jacobians) under a random affine warp of the driving frame; optionally an LSGAN
patch discriminator. Videos are ``(N, T, H, W, 3)`` uint8 RGB arrays (the CLI renders them
from the twin).
"""

from dataclasses import asdict, dataclass
import json
import logging
import math
from pathlib import Path
import time

from ameca_imitation.animation.zoo import build_animator
from ameca_imitation.weights import CheckpointError, save_folder, strict_load
import numpy as np
from safetensors.torch import load_file
import torch
from torch import nn
import torch.nn.functional as F
from tqdm import tqdm

log = logging.getLogger(__name__)


@dataclass
class AnimatorTrainConfig:
    model: str = 'fomm'
    batch_size: int = 8
    lr: float = 2e-4
    max_minutes: float = 15.0
    max_steps: int = 0                    # > 0: stop there (tests, smoke runs)
    pyramid_scales: tuple = (1.0, 0.5, 0.25, 0.125)
    equivariance_weight: float = 10.0     # FOMM's weight for keypoints and for Jacobians
    affine_sigma: float = 0.05            # random affine warp for equivariance
    gan_weight: float = 0.0               # > 0 adds the patch discriminator
    checkpoint_minutes: float = 5.0
    seed: int = 0
    threads: int = 2


def frames_to_tensor(frames: np.ndarray) -> torch.Tensor:
    """``(B, H, W, 3)`` uint8 RGB -> ``(B, 3, H, W)`` float in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2).float() / 255.0


def pyramid_l1(prediction: torch.Tensor, target: torch.Tensor, scales) -> torch.Tensor:
    """Mean absolute error summed over the pyramid levels (area-downsampled)."""
    loss = prediction.new_zeros(())
    for s in scales:
        p, t = prediction, target
        if s != 1.0:
            size = [max(1, round(n * s)) for n in prediction.shape[2:]]
            p = F.interpolate(p, size=size, mode='area')
            t = F.interpolate(t, size=size, mode='area')
        loss = loss + (p - t).abs().mean()
    return loss


def random_affine(batch: int, sigma: float, gen: torch.Generator):
    """Draw ``A (B, 2, 2)`` near the identity and ``b (B, 2)``, in [-1, 1] image coordinates."""
    a = torch.eye(2) + sigma * torch.randn(batch, 2, 2, generator=gen)
    return a, sigma * torch.randn(batch, 2, generator=gen)


def warp_affine(image: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``out(z) = image(A z + b)``: the image seen through the affine map."""
    theta = torch.cat([a, b.unsqueeze(-1)], dim=2)
    grid = F.affine_grid(theta, list(image.shape), align_corners=False)
    return F.grid_sample(image, grid, padding_mode='reflection', align_corners=False)


def equivariance_loss(model: nn.Module, driving: torch.Tensor, kp_driving: dict,
                      sigma: float, gen: torch.Generator) -> torch.Tensor:
    """
    Keypoints must move with the image: ``kp(X) = A kp(X') + b`` for ``X'(z) = X(A z + b)``.

    With Jacobians (FOMM): ``J(X) = A J(X')``, penalised as ``|I - J(X)^-1 A J(X')|``.
    """
    a, b = (v.to(driving) for v in random_affine(driving.shape[0], sigma, gen))
    warped = model.keypoints(warp_affine(driving, a, b))
    mapped = warped['value'] @ a.transpose(1, 2) + b.unsqueeze(1)
    loss = (kp_driving['value'] - mapped).abs().mean()
    if 'jacobian' in kp_driving and 'jacobian' in warped:
        jac = torch.inverse(kp_driving['jacobian']) @ (a.unsqueeze(1) @ warped['jacobian'])
        loss = loss + (torch.eye(2, device=jac.device) - jac).abs().mean()
    return loss


class PatchDiscriminator(nn.Module):
    """Four strided convs to a map of real/fake scores (LSGAN), for the optional GAN loss."""

    def __init__(self, width: int = 32):
        super().__init__()
        chans = [3, width, 2 * width, 4 * width]
        layers = []
        for cin, cout in zip(chans[:-1], chans[1:]):
            layers += [nn.utils.spectral_norm(nn.Conv2d(cin, cout, 4, 2, 1)), nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*layers, nn.Conv2d(chans[-1], 1, 3, padding=1))

    def forward(self, x):
        return self.net(x)


def sample_pairs(videos: np.ndarray, batch: int, rng: np.random.Generator):
    """Source and driving frames of ``batch`` random clips: two ``(B, 3, H, W)`` tensors."""
    clips = rng.integers(len(videos), size=batch)
    frames = rng.integers(videos.shape[1], size=(batch, 2))
    return (frames_to_tensor(videos[clips, frames[:, 0]]),
            frames_to_tensor(videos[clips, frames[:, 1]]))


@torch.no_grad()
def reconstruct_clips(model: nn.Module, videos: np.ndarray) -> np.ndarray:
    """Each clip redrawn from its first frame: ``(N, T, H, W, 3)`` uint8 RGB."""
    model.eval()
    device = next(model.parameters()).device
    out = np.empty_like(videos)
    for i, clip in enumerate(videos):
        driving = frames_to_tensor(clip).to(device)
        source = driving[:1].expand_as(driving)
        pred = model(source, driving)['prediction']
        out[i] = (pred.permute(0, 2, 3, 1).clamp(0, 1) * 255).round().byte().cpu().numpy()
    return out


def save_animator(folder: Path, model: nn.Module, cfg: AnimatorTrainConfig, metrics: dict):
    """Save a checkpoint folder (``weights.save_folder``) that :func:`load_animator` rebuilds."""
    save_folder(folder, model, {'model': cfg.model, 'train_config': asdict(cfg)}, metrics)


def load_animator(folder: str | Path, model: str | None = None) -> nn.Module:
    """
    Rebuild a model saved by :func:`save_animator`, in eval mode, strictly.

    ``model``: the animation model expected there (a :class:`CheckpointError` otherwise).
    """
    folder = Path(folder)
    saved = json.loads((folder / 'config.json').read_text()).get('model')
    if model is not None and saved != model:
        raise CheckpointError(f'{folder} holds a {saved!r} animator, not {model!r}')
    net = build_animator(saved)
    strict_load(net, load_file(folder / 'model.safetensors'), str(folder))
    return net.eval()


def trained_side(folder: str | Path) -> int:
    """Return the frame side, px, a :func:`save_animator` folder was trained at (64: unknown)."""
    metrics = Path(folder) / 'metrics.json'
    return int((json.loads(metrics.read_text()).get('size') if metrics.is_file() else None) or 64)


def train_animator(cfg: AnimatorTrainConfig, videos: np.ndarray, out_dir: str | Path) -> dict:
    """Train ``cfg.model`` on ``videos``; checkpoints go to ``out_dir``; returns the history."""
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    out_dir = Path(out_dir)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    model = build_animator(cfg.model).to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, betas=(0.5, 0.999))
    disc = disc_opt = None
    if cfg.gan_weight > 0:
        disc = PatchDiscriminator().to(device)
        disc_opt = torch.optim.Adam(disc.parameters(), lr=cfg.lr, betas=(0.5, 0.999))
    rng, gen = np.random.default_rng(cfg.seed), torch.Generator().manual_seed(cfg.seed)
    start = last_save = time.monotonic()
    history, step = [], 0
    bar = tqdm(desc=f'training {cfg.model}', unit='step')
    while True:
        minutes = (time.monotonic() - start) / 60
        if (cfg.max_steps and step >= cfg.max_steps) or minutes >= cfg.max_minutes:
            break
        # Cosine decay over the time budget (or the step budget): the run always ends annealed.
        progress = step / cfg.max_steps if cfg.max_steps else minutes / cfg.max_minutes
        for group in opt.param_groups:
            group['lr'] = cfg.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
        source, driving = (x.to(device) for x in sample_pairs(videos, cfg.batch_size, rng))
        out = model(source, driving)
        losses = {'reconstruction': pyramid_l1(out['prediction'], driving, cfg.pyramid_scales),
                  'equivariance': cfg.equivariance_weight * equivariance_loss(
                      model, driving, out['kp_driving'], cfg.affine_sigma, gen)}
        if disc is not None:
            losses['gan'] = cfg.gan_weight * ((disc(out['prediction']) - 1) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        sum(losses.values()).backward()
        opt.step()
        if disc is not None:
            real, fake = disc(driving), disc(out['prediction'].detach())
            d_loss = ((real - 1) ** 2).mean() + (fake ** 2).mean()
            disc_opt.zero_grad(set_to_none=True)
            d_loss.backward()
            disc_opt.step()
        step += 1
        bar.update()
        bar.set_postfix({k: f'{v.item():.4f}' for k, v in losses.items()})
        if step == 1 or step % 50 == 0:
            history.append({'step': step, 'minutes': minutes,
                            **{k: float(v.item()) for k, v in losses.items()}})
        if time.monotonic() - last_save > 60 * cfg.checkpoint_minutes:
            save_animator(out_dir, model, cfg, {'history': history, 'steps': step})
            log.info('checkpoint at step %d in %s', step, out_dir)
            last_save = time.monotonic()
    bar.close()
    model.cpu().eval()
    result = {'steps': step, 'minutes': (time.monotonic() - start) / 60, 'history': history}
    save_animator(out_dir, model, cfg, result)
    return {'model': model, **result}

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
Training of image and feature policies (``ameca-train-policy``), on one process or under torchrun.

Huber loss on normalised controls, AdamW, cosine schedule with linear warm-up, augmentation of
images (brightness/contrast jitter, small shifts), BatchNorm statistics recomputed on clean
images before each validation, early stopping on a validation split, a time limit, and a
checkpoint (safetensors + config + metrics + command) from rank 0. Under
``torchrun --nproc_per_node K`` each rank trains on its shard of the data with
DistributedDataParallel (gloo on CPU, NCCL on GPUs).
"""

from dataclasses import asdict, dataclass
import logging
import math
import os
import time

from ameca_imitation.controls import ControlSchema
from ameca_imitation.policy.checkpoint import ARCHITECTURES, save_checkpoint
from ameca_imitation.policy.evaluate import normalised_mae
from ameca_imitation.policy.wrappers import crop_resize, default_device
import numpy as np
import torch
from torch import distributed as dist
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    architecture: str = 'small_image'   # small_image | x2cnet | feature_mlp | motion_mlp
    epochs: int = 30
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 1e-4
    warmup_steps: int = 200
    huber_delta: float = 0.05           # normalised units: L1 beyond 5 % of a range
    val_fraction: float = 0.05
    patience: int = 4                   # epochs without validation gain before stopping
    max_minutes: float = 20.0
    max_steps: int = 0                  # > 0: stop after this many steps (tests, smoke runs)
    augment: bool = True
    bf16: bool = False                  # bfloat16 autocast for the training forward pass
    bn_images: int = 2048               # un-augmented images that set BatchNorm's statistics
    seed: int = 0
    workers: int = 2                    # torch threads per process


def load_images(pairs, size: int, crop: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Decode, crop and resize every pair once: ``(M, size, size, 3)`` uint8 RGB, ``(M, N)``."""
    images, controls = [], []
    for i in tqdm(range(len(pairs)), desc='loading', unit='img', leave=False):
        image, values = pairs[i]
        images.append(crop_resize(image, size, crop))
        controls.append(values)
    return np.stack(images), np.stack(controls)


def _augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Brightness/contrast jitter of +-10 % and shifts of up to 1/32 of the side, per image."""
    b = x.shape[0]
    gain = 1 + 0.2 * (torch.rand(b, 1, 1, 1, generator=gen) - 0.5)
    bias = 0.2 * (torch.rand(b, 1, 1, 1, generator=gen) - 0.5)
    x = x * gain + bias
    pad = max(1, x.shape[-1] // 32)
    padded = torch.nn.functional.pad(x, (pad, pad, pad, pad), mode='replicate')
    dx, dy = torch.randint(0, 2 * pad + 1, (2,), generator=gen).tolist()
    return padded[..., dy:dy + x.shape[-2], dx:dx + x.shape[-1]]


@torch.no_grad()
def recompute_bn_statistics(model: torch.nn.Module, batches) -> None:
    """
    Set every BatchNorm's running statistics to their average over ``batches`` (train mode).

    During training they are a moving average over the last ~10 augmented batches, which
    moved validation MAE by up to 13 % from one epoch to the next at a learning rate
    near zero; the plain average over clean images is what inference sees.
    """
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None                       # cumulative average
    was_training = model.training
    model.train()
    for batch in batches:
        model(batch)
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
    model.train(was_training)


def _distributed() -> tuple[int, int]:
    world = int(os.environ.get('WORLD_SIZE', '1'))
    if world > 1 and not dist.is_initialized():
        dist.init_process_group('nccl' if torch.cuda.is_available() else 'gloo')
    return (dist.get_rank(), world) if world > 1 else (0, 1)


def train(cfg: TrainConfig, schema: ControlSchema, inputs: np.ndarray, targets: np.ndarray,
          out_dir, test: tuple[np.ndarray, np.ndarray] | None = None, crop: float = 0.0,
          input_recipe: dict | None = None) -> dict:
    """
    Train a policy and save its checkpoint to ``out_dir`` (rank 0); return the metrics.

    Inputs: images ``(M, S, S, 3)`` uint8 RGB, already cropped by ``crop``, or features
    ``(M, F)``; and native
    ``targets`` ``(M, N)``; save the checkpoint to ``out_dir`` (rank 0) and return metrics.
    ``input_recipe``: how the caller made the inputs, kept in the metrics so they can be made
    again (e.g. the features taken from the twin's mesh).
    """
    rank, world = _distributed()
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(max(1, cfg.workers // world))
    is_image = cfg.architecture not in ('feature_mlp', 'motion_mlp')
    device = default_device() if is_image else torch.device('cpu')
    cls, cfg_cls = ARCHITECTURES[cfg.architecture]
    model_cfg = cfg_cls(num_controls=len(schema)) if not is_image else cfg_cls(
        num_controls=len(schema), image_size=inputs.shape[1], crop=crop)
    if not is_image:
        model_cfg.num_inputs = inputs.shape[1]
    model = cls(model_cfg)
    if not is_image:
        model.input_mean.copy_(torch.as_tensor(inputs.mean(0)))
        model.input_std.copy_(torch.as_tensor(inputs.std(0) + 1e-6))
        model.input_low.copy_(torch.as_tensor(inputs.min(0)))
        model.input_high.copy_(torch.as_tensor(inputs.max(0)))
    # Channels-last is the layout oneDNN's (and cuDNN's) fast bf16/fp16 convolutions use.
    memory_format = torch.channels_last if is_image else torch.contiguous_format
    model.to(device, memory_format=memory_format)
    y = torch.as_tensor(schema.normalise(targets), dtype=torch.float32)
    x = torch.as_tensor(inputs)
    rng = np.random.default_rng(cfg.seed)
    order = rng.permutation(len(x))
    n_val = max(1, int(len(x) * cfg.val_fraction))
    val_idx, train_idx = order[:n_val], order[n_val:]
    train_idx = train_idx[rank::world]                       # this rank's share
    net = DistributedDataParallel(model) if world > 1 else model
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = max(1, len(train_idx) // cfg.batch_size)
    total = cfg.epochs * steps_per_epoch if not cfg.max_steps else cfg.max_steps

    start = time.monotonic()

    def schedule(step):
        if step < cfg.warmup_steps:
            return (step + 1) / cfg.warmup_steps
        # Cosine over whichever budget runs out first, steps or minutes: a run cut by the
        # time limit still ends with its learning rate annealed. Under torchrun the ranks'
        # clocks differ and their rates must not, so there only steps count.
        by_steps = (step - cfg.warmup_steps) / max(1, total - cfg.warmup_steps)
        by_time = (time.monotonic() - start) / (60 * cfg.max_minutes) if world == 1 else 0.0
        return 0.5 * (1 + math.cos(math.pi * min(1.0, max(by_steps, by_time))))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    mean = torch.tensor(getattr(model_cfg, 'mean', (0, 0, 0))).view(1, 3, 1, 1)
    std = torch.tensor(getattr(model_cfg, 'std', (1, 1, 1))).view(1, 3, 1, 1)
    gen = torch.Generator().manual_seed(cfg.seed + rank)

    def prepare(batch, augment):
        if not is_image:
            return batch.float().to(device)
        b = batch.permute(0, 3, 1, 2).float() / 255.0
        if augment:
            b = _augment(b, gen)
        return ((b - mean) / std).to(device, memory_format=memory_format)

    def forward(batch, network=model):
        out = network(batch)
        return out[1] if isinstance(out, tuple) else out

    def train_forward(batch):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cfg.bf16):
            return forward(batch, net).float()

    bn_idx = train_idx[:cfg.bn_images]

    @torch.no_grad()
    def predict(data):
        model.eval()
        preds = [forward(prepare(data[i:i + 256], False)).clamp(0, 1).cpu()
                 for i in range(0, len(data), 256)]
        model.train()
        return torch.cat(preds).numpy()

    step, best, best_state, stale, history = 0, float('inf'), None, 0, []
    done = False
    for epoch in range(cfg.epochs):
        perm = train_idx[rng.permutation(len(train_idx))]
        bar = tqdm(range(steps_per_epoch), desc=f'epoch {epoch + 1}/{cfg.epochs}',
                   disable=rank != 0, leave=False)
        for k in bar:
            idx = perm[k * cfg.batch_size:(k + 1) * cfg.batch_size]
            loss = torch.nn.functional.huber_loss(train_forward(prepare(x[idx], cfg.augment)),
                                                  y[idx].to(device), delta=cfg.huber_delta)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            bar.set_postfix(loss=f'{loss.item():.4f}')
            stop = bool(cfg.max_steps and step >= cfg.max_steps) or \
                time.monotonic() - start > 60 * cfg.max_minutes
            if world > 1:
                # Every rank must stop at the same step, or the others wait forever.
                flag = torch.tensor(float(stop))
                dist.all_reduce(flag, op=dist.ReduceOp.MAX)
                stop = bool(flag.item())
            if stop:
                done = True
                break
        # Once per validation; the saved best state carries these statistics to the test.
        recompute_bn_statistics(model, (prepare(x[bn_idx[i:i + 256]], False)
                                        for i in range(0, len(bn_idx), 256)))
        val = float(np.abs(predict(x[val_idx]) - y[val_idx].numpy()).mean())
        history.append({'epoch': epoch + 1, 'step': step, 'val_mae': val,
                        'minutes': (time.monotonic() - start) / 60})
        if rank == 0:
            log.info('epoch %d: validation MAE %.4f (%.1f min)', epoch + 1, val,
                     history[-1]['minutes'])
        if val < best - 1e-4:
            best, stale = val, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        if done or stale >= cfg.patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    metrics = {'train_config': asdict(cfg), 'pairs': len(x), 'world_size': world,
               'steps': step, 'minutes': (time.monotonic() - start) / 60,
               'val_mae_normalised': best, 'history': history, 'inputs': input_recipe or {}}
    if test is not None:
        predicted = schema.denormalise(predict(torch.as_tensor(test[0])))
        metrics['test_mae_normalised'] = normalised_mae(schema, predicted, test[1])
    if rank == 0:
        save_checkpoint(out_dir, model.cpu(), cfg.architecture, schema.names, metrics)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return metrics

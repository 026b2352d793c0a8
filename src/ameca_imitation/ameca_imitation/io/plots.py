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

"""Plots a person would rather look at than read: control curves, person vs twin features."""

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402,I100


def plot_controls(path: str | Path, names, t_raw: np.ndarray, raw: np.ndarray,
                  t_cmd: np.ndarray, cmd: np.ndarray, filtered: np.ndarray | None = None,
                  show: tuple[str, ...] = ()) -> Path:
    """Raw policy outputs vs commanded curves, one panel per control (``show`` or all)."""
    idx = [names.index(n) for n in show] if show else list(range(len(names)))
    cols = 3
    rows = int(np.ceil(len(idx) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 1.9 * rows), sharex=True,
                             squeeze=False)
    for ax, i in zip(axes.ravel(), idx):
        ax.plot(t_raw, raw[:, i], '.', ms=2, color='0.6', label='raw policy')
        if filtered is not None:
            ax.plot(t_raw, filtered[:, i], lw=1, color='tab:orange', label='filtered')
        ax.plot(t_cmd, cmd[:, i], lw=1.2, color='tab:blue', label='commanded')
        ax.set_title(names[i], fontsize=8)
        ax.tick_params(labelsize=7)
    return _save(fig, axes, len(idx), path)


def plot_series(path: str | Path, names, times: np.ndarray, person: np.ndarray,
                twins: dict, zero_line: bool = True) -> Path:
    """
    One panel per name: the person's series against one or more twins' (one line each).

    ``person`` ``(T, F)`` at ``times`` ``(T,)`` s; ``twins``: label -> ``(times (T',),
    values (T', F))``.
    """
    cols = min(4, len(names))
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.0 * rows), sharex=True,
                             squeeze=False)
    colours = plt.rcParams['axes.prop_cycle'].by_key()['color']
    for ax, i in zip(axes.ravel(), range(len(names))):
        ax.plot(times, person[:, i], lw=1.0, color='0.3', label='person')
        for colour, (label, (t, values)) in zip(colours, twins.items()):
            ax.plot(t, values[:, i], lw=1.0, color=colour, label=label)
        if zero_line:
            ax.axhline(0.0, lw=0.5, color='0.8')
        ax.set_title(names[i].replace('_', ' '), fontsize=8)
        ax.tick_params(labelsize=7)
    return _save(fig, axes, len(names), path)


def _save(fig, axes, used: int, path: str | Path) -> Path:
    """Blank the unused panels, add the legend and time axis, write the PNG."""
    for ax in axes.ravel()[used:]:
        ax.axis('off')
    axes.ravel()[0].legend(fontsize=6)
    fig.supxlabel('time (s)', fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

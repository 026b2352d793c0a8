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

"""Imitation metrics: smoothness of commands, feature correlation, landmark distance, limits."""

from ameca_imitation.controls import ControlSchema
import numpy as np


def smoothness(schema: ControlSchema, times: np.ndarray, commands: np.ndarray) -> dict:
    """Mean |jerk| (ranges/s^3) and share of signal energy above 5 Hz of ``(M, N)`` commands."""
    x = schema.normalise(commands)
    dt = float(np.median(np.diff(times)))
    jerk = np.diff(x, n=3, axis=0) / dt ** 3
    centred = x - x.mean(0)
    freqs = np.fft.rfftfreq(len(x), dt)
    power = np.abs(np.fft.rfft(centred, axis=0)) ** 2
    total = power[1:].sum()
    return {'mean_abs_jerk': float(np.abs(jerk).mean()),
            'energy_above_5hz': float(power[freqs > 5].sum() / total) if total > 0 else 0.0}


def limit_violations(schema: ControlSchema, commands: np.ndarray) -> int:
    """Commanded values outside the live ranges (must be 0)."""
    return int(((commands < schema.live_min - 1e-9) | (commands > schema.live_max + 1e-9)).sum())


# Features a person reads first: eye openness, inner brows, mouth opening, lip corners.
CORE_FEATURES = ('eye_open_left', 'eye_open_right', 'brow_inner_left', 'brow_inner_right',
                 'mouth_open', 'lip_corner_left', 'lip_corner_right')


def amplitude_ratios(person: np.ndarray, robot: np.ndarray, names) -> dict:
    """
    Twin's range / person's range per column of ``(T, F)`` feature series.

    A range is the 5th to 95th percentile, so single-frame glitches do not set it; NaN where the
    person's feature does not move.
    """
    out = {}
    for i, name in enumerate(names):
        ok = np.isfinite(person[:, i]) & np.isfinite(robot[:, i])
        if ok.sum() < 3:
            out[name] = float('nan')
            continue
        p_lo, p_hi = np.percentile(person[ok, i], [5, 95])
        r_lo, r_hi = np.percentile(robot[ok, i], [5, 95])
        out[name] = float((r_hi - r_lo) / (p_hi - p_lo)) if p_hi - p_lo > 1e-9 else float('nan')
    return out


def correlations(a: np.ndarray, b: np.ndarray, names) -> dict:
    """Pearson correlation over time per column of ``(T, F)`` series (NaN if one is flat)."""
    out = {}
    for i, name in enumerate(names):
        x, y = a[:, i], b[:, i]
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() < 3 or x[ok].std() < 1e-9 or y[ok].std() < 1e-9:
            out[name] = float('nan')
        else:
            out[name] = float(np.corrcoef(x[ok], y[ok])[0, 1])
    return out


# fer's labels by valence: what "reads negative" means for crying, anger, fear and disgust.
NEGATIVE = ('angry', 'disgust', 'fear', 'sad')


def emotion_figures(person: np.ndarray, robot: np.ndarray, labels) -> dict:
    """
    Compare the judge's readings of the person and the twin, frame by frame.

    ``person``, ``robot``: ``(T, 7)`` probabilities in ``labels`` order. Returns the agreement
    of the top labels and of their valence (negative / positive = happy / neutral otherwise),
    the correlation over time of p(happy) and of p(negative) (sum over :data:`NEGATIVE`), and
    on the frames the person reads negative, how often the twin does too (None if never).
    """
    labels = list(labels)
    neg = [labels.index(n) for n in NEGATIVE]
    happy = labels.index('happy')

    def valence(p):
        top = p.argmax(1)
        return np.where(np.isin(top, neg), -1, np.where(top == happy, 1, 0))

    def corr(a, b):
        return float(np.corrcoef(a, b)[0, 1]) if a.std() > 0 and b.std() > 0 else float('nan')

    vp, vr = valence(person), valence(robot)
    sad = vp == -1
    return {'emotion_agreement': float(np.mean(person.argmax(1) == robot.argmax(1))),
            'valence_agreement': float(np.mean(vp == vr)),
            'happy_correlation': corr(person[:, happy], robot[:, happy]),
            'negative_correlation': corr(person[:, neg].sum(1), robot[:, neg].sum(1)),
            'twin_negative_when_person_negative': float(np.mean(vr[sad] == -1)) if sad.any()
            else None}

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

"""Where configuration files and cached media live, whether run from a checkout or installed."""

import os
from pathlib import Path
import sys

CONFIG_ENV = 'AMECA_IMITATION_CONFIG'
CACHE_ENV = 'AMECA_IMITATION_CACHE'
WEIGHTS_ENV = 'AMECA_IMITATION_WEIGHTS'


def config_dir() -> Path:
    """
    Return the folder holding ``ameca_controls.yaml`` and the other YAML files.

    Looked up in this order: ``$AMECA_IMITATION_CONFIG``; the ``config/`` folder of a source
    checkout; ``<prefix>/share/ameca_imitation/config`` of a pip or colcon install.
    """
    candidates = []
    if os.environ.get(CONFIG_ENV):
        candidates.append(Path(os.environ[CONFIG_ENV]))
    here = Path(__file__).resolve()
    candidates.append(here.parents[3] / 'config')
    candidates.append(Path(sys.prefix) / 'share' / 'ameca_imitation' / 'config')
    for prefix in os.environ.get('AMENT_PREFIX_PATH', '').split(os.pathsep):
        if prefix:
            candidates.append(Path(prefix) / 'share' / 'ameca_imitation' / 'config')
    for folder in candidates:
        if (folder / 'ameca_controls.yaml').is_file():
            return folder
    raise FileNotFoundError(
        'config/ameca_controls.yaml not found; set %s to the config folder (looked in: %s)'
        % (CONFIG_ENV, ', '.join(str(c) for c in candidates)))


def config_path(name: str) -> Path:
    """Return the path of one file under the config folder, e.g. ``'pipelines/feature.yaml'``."""
    path = config_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f'no config file {name!r} in {config_dir()}')
    return path


def cache_dir() -> Path:
    """Return the cache folder for fetched media and generated data (outside the repository)."""
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get('XDG_CACHE_HOME', os.path.expanduser('~/.cache')), 'ameca_imitation')
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def weights_dir() -> Path:
    """
    Return the folder where weights named by a relative path are found.

    ``$AMECA_IMITATION_WEIGHTS``, else ``weights/`` in the cache folder (official files a user
    downloaded go there).
    """
    return Path(os.environ.get(WEIGHTS_ENV) or cache_dir() / 'weights')


def find_weights(name: str) -> Path:
    """
    Resolve a weights path of a pipeline YAML.

    As given (absolute, or relative to the working folder), else under :func:`weights_dir`.
    Raises ``FileNotFoundError`` naming both places.
    """
    path = Path(name).expanduser()
    if path.exists():
        return path
    if not path.is_absolute() and (weights_dir() / path).exists():
        return weights_dir() / path
    raise FileNotFoundError(f'weights {name!r} not found (looked in the working folder and in '
                            f'{weights_dir()}, ${WEIGHTS_ENV})')

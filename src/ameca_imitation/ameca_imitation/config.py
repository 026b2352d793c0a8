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

"""Typed configuration: YAML read once into dataclasses; unknown keys are errors, not ignored."""

import dataclasses
from pathlib import Path
import typing
from typing import Any, Mapping, TypeVar

from ameca_imitation.paths import config_path
import yaml

T = TypeVar('T')


def from_mapping(cls: type[T], data: Mapping[str, Any] | None, where: str = '') -> T:
    """
    Build dataclass ``cls`` from ``data``; nested dataclass fields are built recursively.

    Raises ``ValueError`` naming any unknown key, so a typo never silently keeps a default.
    """
    data = dict(data or {})
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValueError(f'{where or cls.__name__}: unknown keys {unknown}; '
                         f'allowed: {sorted(fields)}')
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for name, value in data.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            value = from_mapping(hint, value, f'{where}.{name}' if where else name)
        elif isinstance(value, list) and typing.get_origin(hint) is tuple:
            value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)


def load_yaml(name_or_path: str | Path) -> dict:
    """Read a YAML file: an absolute/relative path that exists, else a name under ``config/``."""
    path = Path(name_or_path)
    if not path.is_file():
        path = config_path(str(name_or_path))
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f) or {}


def load_config(cls: type[T], name_or_path: str | Path, section: str | None = None) -> T:
    """Read ``config/<name>`` (or a path) into dataclass ``cls``, optionally one section."""
    data = load_yaml(name_or_path)
    if section is not None:
        data = data.get(section, {})
    return from_mapping(cls, data, str(name_or_path) + (f':{section}' if section else ''))

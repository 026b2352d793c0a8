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
The ROS-free core: ``pip install -e src/ameca_imitation`` or build with colcon (ament_python).

Python dependencies are pinned in the repository's ``requirements.txt`` (``make setup`` installs
them); on a ROS machine rosdep installs the keys in ``package.xml``. Console scripts go to
``bin/`` so that the ``ameca-*`` commands are on PATH in both cases. The repository-level
``config/`` and ``launch/`` folders are installed under ``share/ameca_imitation``.
"""

from glob import glob
import os

from setuptools import find_packages, setup

package_name = 'ameca_imitation'
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.relpath(os.path.join(here, '..', '..'), here)


def _share(sub):
    """data_files entries for every file below ``<repo>/<sub>``, keeping the folder layout."""
    entries = []
    for folder, _, files in os.walk(os.path.join(repo, sub)):
        if files:
            target = os.path.join('share', package_name, os.path.relpath(folder, repo))
            entries.append((target, [os.path.join(folder, f) for f in sorted(files)]))
    return entries


setup(
    name=package_name,
    version='0.1.0',
    packages=find_packages(exclude=['test']),
    package_data={package_name: ['face/data/*.npz', 'policy/weights/*/*']},
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + package_name]),
        ('share/' + package_name, ['package.xml']),
        ('share/' + package_name + '/launch', glob(os.path.join(repo, 'launch', '*.py'))),
        ('share/' + package_name + '/launch', glob(os.path.join(repo, 'launch', '*.rviz'))),
    ] + _share('config'),
    install_requires=['setuptools'],
    zip_safe=True,
    maintainer='Ameca imitation maintainers',
    maintainer_email='maintainers@ameca-imitation.invalid',
    description='ROS-free core of the Ameca facial-expression imitation suite.',
    license='Apache-2.0',
    python_requires='>=3.10',
    extras_require={'test': ['pytest']},
    entry_points={
        'console_scripts': [
            'ameca-imitate = ameca_imitation.cli.imitate:main',
            'ameca-twin = ameca_imitation.cli.twin:main',
            'ameca-dataset = ameca_imitation.cli.dataset:main',
            'ameca-train-policy = ameca_imitation.cli.train_policy:main',
            'ameca-train-animator = ameca_imitation.cli.train_animator:main',
            'ameca-eval = ameca_imitation.cli.evaluate:main',
            'ameca-zmq-keys = ameca_imitation.cli.zmq_keys:main',
        ],
    },
)

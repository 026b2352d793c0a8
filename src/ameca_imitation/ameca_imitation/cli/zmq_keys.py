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
``ameca-zmq-keys DIR``: CurveZMQ key pairs for the zmq driver and the Tritium bridge.

Writes ``DIR/server.secret`` (for ``AMECA_ZMQ_SERVER_SECRET_FILE`` on the PC) and
``DIR/bridge.txt``, the two lines to paste into the bridge script (the server's public key and
the bridge's own secret key). Both files are readable by their owner only; keys are written to
files, never printed or logged.
"""

import argparse
import os
from pathlib import Path
import sys


def write_keys(folder: Path) -> None:
    import zmq
    folder.mkdir(parents=True, exist_ok=True)
    server_public, server_secret = zmq.curve_keypair()
    _, client_secret = zmq.curve_keypair()
    files = {'server.secret': server_secret.decode() + '\n',
             'bridge.txt': f"SERVER_PUBLIC_KEY = '{server_public.decode()}'\n"
                           f"CLIENT_SECRET_KEY = '{client_secret.decode()}'\n"}
    for name, text in files.items():
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('folder', type=Path)
    args = parser.parse_args(argv)
    try:
        write_keys(args.folder)
    except OSError as err:
        print(f'ameca-zmq-keys: cannot write {str(args.folder)!r}: {err.strerror}',
              file=sys.stderr)
        return 2
    print(f'wrote {args.folder}/server.secret (AMECA_ZMQ_SERVER_SECRET_FILE on the PC) and '
          f'{args.folder}/bridge.txt (paste into the bridge script)')
    return 0


if __name__ == '__main__':
    sys.exit(main())

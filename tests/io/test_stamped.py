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

"""Pairing messages of one frame by stamp: the newest kept, the oldest pushed out."""

from ameca_imitation.io.stamped import RecentByStamp


def test_items_are_found_by_their_stamp_until_pushed_out():
    recent = RecentByStamp(3)
    stamps = [1796172680.511274 + i / 30 for i in range(5)]
    for i, stamp in enumerate(stamps):
        recent.put(stamp, i)
    assert recent.get(stamps[0]) is None and recent.get(stamps[1]) is None
    # A stamp read back through a message (sec + nanosec) matches to the microsecond.
    sec, nanosec = divmod(round(stamps[4] * 1e9), 10 ** 9)
    assert [recent.get(s) for s in stamps[2:4]] == [2, 3] and recent.get(sec + nanosec * 1e-9) == 4
    assert recent.get(stamps[4] + 1e-3) is None

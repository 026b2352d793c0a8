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

"""The zmq backend against a real pyzmq subscriber running the robot-side bridge script's logic."""

import importlib.util
from pathlib import Path
import socket
import time

import numpy as np
import pytest
import zmq

from ameca_imitation.driver import DriverNotConnectedError, make_driver

SCRIPT = Path(__file__).resolve().parents[2] / 'src/ameca_driver/tritium/ameca_imitation_bridge.py'


def load_bridge():
    spec = importlib.util.spec_from_file_location('ameca_imitation_bridge', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def poll_until(bridge, predicate, timeout=3.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        bridge.poll(time.monotonic())
        if predicate():
            return True
        time.sleep(0.005)
    return False


@pytest.fixture
def endpoint():
    return f'tcp://127.0.0.1:{free_port()}'


def test_bridge_table_matches_config(schema):
    bridge = load_bridge()
    assert [c[0] for c in bridge.CONTROLS] == list(schema.names)
    assert np.allclose([c[2] for c in bridge.CONTROLS], schema.neutral)
    assert np.allclose([c[3] for c in bridge.CONTROLS], schema.live_min)
    assert np.allclose([c[4] for c in bridge.CONTROLS], schema.live_max)
    assert [c[1] for c in bridge.CONTROLS] == [s.namespace for s in schema.specs]
    assert bridge.system is None         # the Tritium part stays inert off the robot


def test_vectors_arrive_clamped_newest_wins(schema, endpoint):
    bridge_mod = load_bridge()
    with make_driver('zmq', schema, bind=endpoint) as driver:
        bridge = bridge_mod.BridgeLogic(endpoint)
        target = schema.neutral.copy()
        target[schema.index('Jaw Pitch')] = 0.6
        # PUB/SUB joins asynchronously: publish until the subscriber sees it.
        end = time.monotonic() + 3
        while bridge.received == 0 and time.monotonic() < end:
            driver.send(1.0, target)
            bridge.poll(time.monotonic())
            time.sleep(0.01)
        assert bridge.received > 0
        assert np.allclose(bridge.demand, target, atol=1e-5)
        # Slow consumer: many vectors queue up; one poll applies only the newest.
        for k in range(50):
            v = schema.neutral.copy()
            v[schema.index('Head Yaw')] = k * 0.3
            driver.send(2.0 + k, v)
        time.sleep(0.1)
        bridge.poll(time.monotonic())
        assert bridge.demand[schema.index('Head Yaw')] == pytest.approx(49 * 0.3, abs=1e-4)
        # Out-of-range values are clamped on both sides of the wire.
        sent = driver.send(3.0, schema.neutral + 1000)
        assert np.array_equal(sent, schema.live_max)
        assert poll_until(bridge, lambda: np.allclose(bridge.demand, schema.live_max))
        bridge.close()


def test_bridge_rejects_malformed_messages(schema, endpoint):
    bridge_mod = load_bridge()
    ctx = zmq.Context.instance()
    pub = ctx.socket(zmq.PUB)
    pub.bind(endpoint)
    bridge = bridge_mod.BridgeLogic(endpoint)
    end = time.monotonic() + 3
    while bridge.rejected == 0 and time.monotonic() < end:
        pub.send_multipart([b'1.0', b'nan'] + [b'0.5'] * 29)
        pub.send_multipart([b'1.0', b'0.5'])
        bridge.poll(time.monotonic())
        time.sleep(0.01)
    assert bridge.rejected > 0 and bridge.received == 0
    assert np.allclose(bridge.demand, schema.neutral)
    bridge.close()
    pub.close()


def test_keepalive_and_shutdown_neutral(schema, endpoint):
    bridge_mod = load_bridge()
    driver = make_driver('zmq', schema, bind=endpoint)
    driver.connect()
    bridge = bridge_mod.BridgeLogic(endpoint, keepalive_s=0.2)
    pose = schema.neutral.copy()
    pose[schema.index('Brow Inner Left')] = 1.0
    end = time.monotonic() + 3
    while bridge.received == 0 and time.monotonic() < end:
        driver.send(1.0, pose)
        bridge.poll(time.monotonic())
        time.sleep(0.01)
    assert bridge.demand[0] == pytest.approx(1.0)
    time.sleep(0.05)
    bridge.poll(time.monotonic())        # drain what is still in flight
    # Silence: after the keep-alive time the bridge eases (no jump) towards neutral.
    time.sleep(0.3)
    trace = [bridge.poll(time.monotonic())[0] for _ in range(100)]
    assert trace[0] < 1.0 and np.all(np.diff(trace) <= 0) and np.max(np.abs(np.diff(trace))) < 0.05
    assert trace[-1] == pytest.approx(schema.neutral[0], abs=0.01)
    # Subscriber gone and back: a new subscriber gets fresh vectors, not a stale burst.
    bridge.close()
    bridge = bridge_mod.BridgeLogic(endpoint)
    assert poll_until(bridge, lambda: (driver.send(5.0, pose) is not None) and bridge.received > 0)
    # Shutdown sends neutral.
    driver.disconnect()
    assert poll_until(bridge, lambda: np.allclose(bridge.demand, schema.neutral, atol=1e-5))
    bridge.close()
    with pytest.raises(DriverNotConnectedError, match='connect'):
        driver.send(6.0, pose)


def test_secrets_never_logged(schema, endpoint, monkeypatch, caplog):
    public, secret = zmq.curve_keypair()
    monkeypatch.setenv('AMECA_ZMQ_SERVER_SECRET', secret.decode())
    caplog.set_level('DEBUG')
    with make_driver('zmq', schema, bind=endpoint) as driver:
        driver.send(0.0, schema.neutral)
    assert 'CurveZMQ' in caplog.text
    assert secret.decode() not in caplog.text and public.decode() not in caplog.text


def test_twin_backend_renders(schema):
    with make_driver('twin', schema, size=128) as driver:
        driver.send(0.0, schema.neutral)
        assert driver.last_image.shape == (128, 128, 3)
    with pytest.raises(ValueError, match='unknown driver backend'):
        make_driver('carrier_pigeon', schema)


def test_tritium_remote_backend_is_optional_and_its_messages_apply(schema, monkeypatch):
    from ameca_imitation.driver.backends import encode_json
    driver = make_driver('tritium_remote', schema, host='127.0.0.1')
    monkeypatch.delenv('TRITIUM_AUTH_TOKEN', raising=False)
    monkeypatch.delenv('TRITIUM_AUTH_TOKEN_FILE', raising=False)
    with pytest.raises((ImportError, RuntimeError), match='tritium'):
        driver.connect()            # no package here, or no token: a clear error, no crash
    bridge = load_bridge().BridgeLogic('tcp://127.0.0.1:1')
    pose = schema.neutral.copy()
    pose[schema.index('Jaw Pitch')] = 0.7
    bridge.on_channel_message(encode_json(1.0, pose), 1.0)
    assert np.allclose(bridge.demand, pose, atol=1e-6) and bridge.received == 1
    bridge.on_channel_message('not json', 2.0)
    assert bridge.rejected == 1
    bridge.close()

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

"""Inference rewrites: each one against the layers it replaces, whole models to float rounding."""

import copy

import pytest
import torch
import torch.nn.functional as F

from ameca_imitation.animation.inference import chunking
from ameca_imitation.animation.inference import prepare_for_inference
from ameca_imitation.animation.inference.chunking import CHUNK_BYTES, pieces
from ameca_imitation.animation.inference.fft_conv import FFTConv3d
from ameca_imitation.animation.inference.fused_spade import FusedSPADEResnetBlock
from ameca_imitation.animation.inference.tap_conv import TapSumConv2d
from ameca_imitation.animation.inference.upsampled_conv import UpsampledConv
from ameca_imitation.animation.inference.winograd import (route_through_winograd,
                                                          winograd_pays, WinogradConv)
from ameca_imitation.animation.liveportrait.spade import (fold_spectral_norm, SPADEDecoder,
                                                          SPADEResnetBlock)
from ameca_imitation.animation.zoo import ANIMATORS, build_animator


@pytest.mark.parametrize('factors,shape', [((2, 2), (2, 5, 7, 6)), ((4, 4), (1, 3, 5, 5)),
                                           ((1, 2, 2), (1, 4, 3, 5, 4)), ((2, 1), (1, 2, 4, 4))])
def test_upsampled_conv_equals_conv_of_the_upsampled_input(factors, shape):
    torch.manual_seed(0)
    conv = (torch.nn.Conv2d if len(factors) == 2 else torch.nn.Conv3d)(shape[1], 6, 3, padding=1)
    x = torch.randn(shape)
    with torch.no_grad():
        expected = conv(F.interpolate(x, scale_factor=factors))
        got = UpsampledConv(conv, factors)(x)
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, atol=1e-5)


@pytest.mark.parametrize('factors', [(4, 4), (2, 2), (1, 1)])
def test_upsampled_conv_assembles_any_rows(factors):
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(3, 5, 3, padding=1)
    x = torch.randn(2, 3, 5, 4)
    fast = UpsampledConv(conv, factors)
    with torch.no_grad():
        whole, by_phase = fast(x), fast.by_phase(x)
        rows = whole.shape[2]
        for lo, hi in [(0, rows), (1, 2), (3, rows - 1), (rows - 1, rows), (2, 7)]:
            assert torch.equal(fast.assemble(by_phase, (lo, hi)), whole[:, :, lo:hi])


def test_upsampled_conv_computes_equal_phases_once():
    conv = torch.nn.Conv2d(2, 3, 3, padding=1)
    # x4: the two inner phases of each axis read the same coarse pixel with all three taps.
    four = UpsampledConv(conv, (4, 4))
    assert len(four.phases) == 9 and sum(len(p) for p in four.phases) == 16
    assert len(UpsampledConv(conv, (2, 2)).phases) == 4


def test_upsampled_conv_rejects_other_convs():
    with pytest.raises(ValueError, match='3-tap'):
        UpsampledConv(torch.nn.Conv2d(3, 3, 5, padding=2), (2, 2))


@pytest.mark.parametrize('kernel,shape,tile', [(7, (2, 5, 4, 20, 13), 8),
                                               ((3, 5, 7), (1, 6, 9, 16, 16), 16),
                                               (1, (1, 3, 2, 5, 6), 4)])
@pytest.mark.parametrize('chunk_bytes', [CHUNK_BYTES, 1])
def test_fft_conv3d_equals_the_direct_conv(kernel, shape, tile, chunk_bytes, monkeypatch):
    monkeypatch.setattr(chunking, 'CHUNK_BYTES', chunk_bytes)   # 1: a piece per channel
    torch.manual_seed(0)
    conv = torch.nn.Conv3d(shape[1], 4, kernel, padding='same')
    x = torch.randn(shape)
    fast = FFTConv3d(conv, tile)
    with torch.no_grad():
        expected = conv(x)
        got = fast(x)
    assert len(fast._spectrum_value) == (1 if chunk_bytes == CHUNK_BYTES else shape[1])
    assert got.shape == expected.shape
    assert (got - expected).abs().max() < 1e-5 * expected.abs().max()


def test_chunking_cuts_large_work_on_cpus_only():
    assert pieces(256, CHUNK_BYTES // 8, torch.device('cpu')) == 32
    assert pieces(256, 1, torch.device('cpu')) == 1
    assert pieces(3, 2 * CHUNK_BYTES, torch.device('cpu')) == 3       # never more than units
    assert pieces(256, CHUNK_BYTES, torch.device('cuda')) == 1


def test_fft_conv3d_rejects_other_convs():
    with pytest.raises(ValueError, match='stride-1'):
        FFTConv3d(torch.nn.Conv3d(3, 3, 3, stride=2, padding=1))


@pytest.mark.parametrize('kernel,out_channels,bias',
                         [(7, 1, True), (3, 2, False), ((5, 3), 3, True)])
@pytest.mark.parametrize('shape', [(1, 40, 12, 12), (2, 9, 7, 10)])
def test_tap_sum_conv_equals_the_direct_conv(kernel, out_channels, bias, shape):
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(shape[1], out_channels, kernel, padding='same', bias=bias)
    x = torch.randn(shape)
    with torch.no_grad():
        expected = conv(x)
        got = TapSumConv2d(conv)(x)
    assert got.shape == expected.shape
    assert (got - expected).abs().max() < 1e-5 * expected.abs().max()


def test_tap_sum_conv_rejects_other_convs():
    with pytest.raises(ValueError, match='stride-1'):
        TapSumConv2d(torch.nn.Conv2d(3, 1, 3, stride=2, padding=1))
    with pytest.raises(ValueError, match='stride-1'):
        TapSumConv2d(torch.nn.Conv2d(3, 1, 3, padding=0))


@pytest.mark.parametrize('shape', [(1, 24, 8, 8), (2, 5, 7, 9), (1, 3, 1, 2)])
@pytest.mark.parametrize('bias', [True, False])
@pytest.mark.parametrize('rows', [(1, 1), (0, 1), (1, 0), (0, 0)])
def test_winograd_conv_equals_the_direct_conv(shape, bias, rows):
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(shape[1], 6, 3, padding=(0, 1), bias=bias)
    x = torch.randn(shape[:2] + (shape[2] + 2,) + shape[3:])
    with torch.no_grad():
        # the rows given as zero padding, the rest of the context is in the input
        expected = conv(F.pad(x, (0, 0) + rows))
        got = WinogradConv(conv.weight, conv.bias)(x, rows)
    assert got.shape == expected.shape
    assert (got - expected).abs().max() < 1e-5 * expected.abs().max()


def test_winograd_is_chosen_for_wide_kernels_only():
    assert winograd_pays(torch.zeros(512, 512, 3, 3))
    assert not winograd_pays(torch.zeros(1024, 128, 3, 3))
    assert not winograd_pays(torch.zeros(512, 512, 1, 1))
    assert winograd_pays(torch.zeros(142, 142, 3, 3, 3))
    assert not winograd_pays(torch.zeros(64, 110, 3, 3, 3))
    with pytest.raises(ValueError, match='3, 3'):
        WinogradConv(torch.zeros(4, 4, 5, 5))


@pytest.mark.parametrize('conv', [torch.nn.Conv2d(5, 4, 3, padding=1),
                                  torch.nn.Conv3d(5, 4, 3, padding=1),
                                  torch.nn.Conv3d(5, 4, (1, 3, 3), padding=(0, 1, 1))],
                         ids=['2d', '3d', '3d_flat'])
def test_convs_routed_through_winograd_keep_outputs_and_state(conv):
    torch.manual_seed(0)
    x = torch.randn(2, 5, *([3] if isinstance(conv, torch.nn.Conv3d) else []), 7, 6)
    keys = set(conv.state_dict())
    with torch.no_grad():
        expected = conv(x)
        routed = copy.deepcopy(route_through_winograd(conv))   # a copy routes through its own
        got = routed(x)
    assert routed.forward.__self__ is routed.winograd
    assert set(conv.state_dict()) == keys == set(routed.state_dict())
    assert (got - expected).abs().max() < 1e-5 * expected.abs().max()
    with pytest.raises(ValueError, match='stride-1'):
        route_through_winograd(torch.nn.Conv2d(5, 4, 3, stride=2, padding=1))


def test_winograd_routes_the_wide_liveportrait_convs_but_not_g_fc():
    g = prepare_for_inference(SPADEDecoder())
    assert set(g.G_middle_0.fused.winograd) == {'conv_0', 'conv_1'}
    # G.fc starts the residual chain: it stays a direct conv (its own forward, no instance one).
    assert 'forward' not in vars(g.fc) and not hasattr(g.fc, 'winograd')


@pytest.mark.parametrize('fin,fout', [(16, 16), (16, 8)])
@pytest.mark.parametrize('upsampled', [1, 2, 4])
@pytest.mark.parametrize('winograd', [False, True])
@pytest.mark.parametrize('chunk_bytes', [CHUNK_BYTES, 20000, 1])    # 1: bands of one row
def test_fused_spade_block_equals_the_block(fin, fout, upsampled, winograd, chunk_bytes,
                                            monkeypatch):
    monkeypatch.setattr(chunking, 'CHUNK_BYTES', chunk_bytes)
    torch.manual_seed(0)
    block = fold_spectral_norm(SPADEResnetBlock(fin, fout, 6, hidden=5)).eval()
    for m in block.modules():
        if isinstance(m, torch.nn.Conv2d):
            m.weight.data.normal_(0, 0.3)      # large enough that every branch matters
    seg = torch.randn(2, 6, 8, 8)
    coarse = torch.randn(2, fin, 8, 8)
    x = F.interpolate(coarse, scale_factor=upsampled)
    with torch.no_grad():
        expected = block(x, seg)
        fused = FusedSPADEResnetBlock(block, winograd=winograd)
        if winograd:      # these widths are below what pays; route them anyway to test them
            fused.winograd.update({name: WinogradConv(getattr(block, name).weight,
                                                      getattr(block, name).bias)
                                   for name in ('conv_0', 'conv_1')})
        got = fused(x, seg)
        bands = fused._bands(x, x.shape[2:])
        assert len(bands) == {CHUNK_BYTES: 1, 1: x.shape[2]}.get(chunk_bytes, len(bands))
        # the coarse map and the factor: normalised first, then upsampled
        from_coarse = fused(coarse, seg, upsample=upsampled)
        assert torch.equal(block(coarse, seg, upsample=upsampled), expected)
    assert (got - expected).abs().max() < 1e-5 * expected.abs().max()
    assert (from_coarse - expected).abs().max() < 1e-5 * expected.abs().max()


@pytest.mark.parametrize('name', sorted(ANIMATORS))
@pytest.mark.parametrize('channels_last', [False, True])
@pytest.mark.parametrize('chunk_bytes', [CHUNK_BYTES, 4096])     # 4096: every chunking cuts
def test_prepared_models_keep_their_outputs(name, channels_last, chunk_bytes, monkeypatch):
    monkeypatch.setattr(chunking, 'CHUNK_BYTES', chunk_bytes)
    torch.manual_seed(0)
    model = build_animator(name).eval()
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
    fast = prepare_for_inference(copy.deepcopy(model), channels_last=channels_last)
    fused = [m for m in fast.modules() if getattr(m, 'fused', None) is not None]
    assert fused, 'nothing was rewritten'
    source, driving = torch.rand(2, 3, 64, 64), torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        expected = model(source, driving)['prediction']
        got = fast(source, driving)['prediction']
    # Each rewrite is exact up to summation order (1e-5 per layer, tested above); random
    # weights and instance norm over near-constant maps amplify that, so the bar is 1e-3:
    # a wiring mistake moves outputs by O(0.1).
    assert (got - expected).abs().max() < 1e-3
    # the phase kernels are derived, not parameters: checkpoints do not see them
    assert not any('fused' in key for key in fast.state_dict())

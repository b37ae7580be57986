"""Named plausibility check of every rule set's colours: in the colour-blind-safe palette, neighbouring levels
and the grey of "no data" stay apart for readers with each common colour-vision deficiency.

Colour vision is simulated with the matrices of Machado, Oliveira & Fernandes (2009, severity 1.0) on linear
sRGB; the distance is CIE76 ΔE in L*a*b*. A ΔE below about 20 reads as "the same colour, a little lighter" on a
map of small districts (levels 3 and 4 of the Okabe-Ito orange and vermilion were 17 for deuteranopes).
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from indicators.levelstyle import UNKNOWN_COLOR
from indicators.rulesets import list_rulesets

VISION = {
    "typical": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
NEIGHBOURS_MIN_DELTA_E = 30  # adjacent levels, for deuteranopes and protanopes (the palette's purpose)
ANY_PAIR_MIN_DELTA_E = 20  # any two colours of the palette, grey included, for every vision


def _linear(hex_color: str) -> np.ndarray:
    srgb = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    ratio = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(ratio > 0.008856, np.cbrt(ratio), 7.787 * ratio + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(first: str, second: str, vision: str) -> float:
    seen = [_lab(np.clip(VISION[vision] @ _linear(color), 0, 1)) for color in (first, second)]
    return float(np.linalg.norm(seen[0] - seen[1]))


def test_delta_e_of_known_pairs():
    assert delta_e("#000000", "#FFFFFF", "typical") == pytest.approx(100, abs=0.1)
    assert delta_e("#E69F00", "#D55E00", "deuteranopia") < 20  # the old levels 3 and 4: why this test exists


@pytest.mark.parametrize("ruleset", list_rulesets(), ids=lambda ruleset: ruleset.id)
def test_colour_blind_palette_keeps_levels_apart(ruleset):
    colors = [level.color_colorblind for level in sorted(ruleset.levels, key=lambda level: level.number)]
    for vision in ("deuteranopia", "protanopia"):
        for lower, higher in itertools.pairwise(colors):
            assert delta_e(lower, higher, vision) >= NEIGHBOURS_MIN_DELTA_E, (ruleset.id, vision, lower, higher)
    for vision in VISION:
        for first, second in itertools.combinations([*colors, UNKNOWN_COLOR], 2):
            assert delta_e(first, second, vision) >= ANY_PAIR_MIN_DELTA_E, (ruleset.id, vision, first, second)

#!/usr/bin/env python3
"""Writes configs/targets/pinwheel.csv: a labelled 2-D data set for target.kind = samples (docs/targets.md).

The pinwheel of Johnson et al. (2016, "Composing graphical models with neural networks"): 5 curved arms of 400 points each,
radial sd 0.3, tangential sd 0.1, rate 0.25, scaled by 2 so that it spans about [-4, 4]^2 like the paper's grid. Columns
x1, x2, label (the arm, 0-4). Deterministic: Python's own Mersenne Twister with seed 17, normals by Box-Muller from
random() (the same numbers on every Python 3), values rounded to 4 decimals.

    python3 configs/targets/make-pinwheel.py        # from the repository root; rewrites the CSV byte for byte
"""
import math
import os
import random

SEED, ARMS, PER_ARM = 17, 5, 400
RADIAL_SD, TANGENTIAL_SD, RATE, SCALE = 0.3, 0.1, 0.25, 2.0

rng = random.Random(SEED)


def normal():
    # Box-Muller on random(): random.gauss's algorithm is not promised to stay the same across versions.
    u1 = 1.0 - rng.random()
    u2 = rng.random()
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


rows = []
for arm in range(ARMS):
    for _ in range(PER_ARM):
        radial = normal() * RADIAL_SD + 1.0
        tangential = normal() * TANGENTIAL_SD
        angle = 2.0 * math.pi * arm / ARMS + RATE * math.exp(radial)
        c, s = math.cos(angle), math.sin(angle)
        x1 = SCALE * (c * radial - s * tangential)
        x2 = SCALE * (s * radial + c * tangential)
        rows.append(f"{x1:.4f},{x2:.4f},{arm}")

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pinwheel.csv")
with open(path, "w", newline="\n") as out:
    out.write("x1,x2,label\n")
    out.write("\n".join(rows) + "\n")
print(f"wrote {len(rows)} rows to {path}")

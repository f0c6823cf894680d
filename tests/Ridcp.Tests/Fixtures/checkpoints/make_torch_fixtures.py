#!/usr/bin/env python3
"""Writes the torch-made checkpoint fixtures of tests/Ridcp.Tests/Checkpoints (run once; the outputs are committed).

Run from this folder with PyTorch installed (made with Debian 12's python3-torch 1.13.0a0):
    python3 make_torch_fixtures.py
Every value follows a formula the C# tests recompute (arange-based, exact in every dtype used).
mixed_zip.pth is zip format (torch 1.13 names its top folder after the file: mixed_zip/), mixed_legacy.pth the
same object with _use_new_zipfile_serialization=False.
"""
from collections import OrderedDict

import torch
import torch.nn as nn


def make_object():
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8      # k/8: exact in float16 too
    seq = nn.Sequential(nn.Conv2d(2, 3, 1), nn.BatchNorm2d(3))
    with torch.no_grad():
        seq[0].weight.copy_(torch.arange(6, dtype=torch.float32).reshape(3, 2, 1, 1) - 2)
        seq[0].bias.copy_(torch.tensor([0.5, -0.5, 1.0]))
        seq[1].running_mean.copy_(torch.tensor([1.0, 2.0, 3.0]))
    return {
        "base": base,                                   # [4, 6], storage shared with the two views below
        "transposed": base.t(),                         # [6, 4] stride (1, 6): non-contiguous
        "window": base[1:3, 2:5],                       # [2, 3] stride (6, 1), storage offset 8
        "f16": (torch.arange(10, dtype=torch.float32) / 4 - 1).half(),
        "bf16": (torch.arange(10, dtype=torch.float32) / 4 - 1).bfloat16(),
        "f64": torch.arange(5, dtype=torch.float64) / 3,
        "i64": (torch.arange(6, dtype=torch.int64) - 3) * 10**12,
        "i32": torch.tensor([-7, 0, 7, 2**31 - 1], dtype=torch.int32),
        "u8": torch.tensor([0, 1, 255], dtype=torch.uint8),
        "flags": torch.tensor([True, False, True]),
        "param": nn.Parameter(torch.full((2, 2), 1.5)),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "meta": {
            "name": "ridcp", "n": 7, "big": 2**70, "neg": -5, "x": 0.25, "flag": True, "none": None,
            "list": [1, 2.5, "a"], "tuple": (1, 2), "bytes": b"\x00\xffab", "size": torch.Size([2, 3]),
            "set": {3}, "odict": OrderedDict(a=1), "int_keys": {0: "zero", 1: "one"},
        },
        "module_state": seq.state_dict(),               # OrderedDict with _metadata (BUILD); BN buffers
    }


if __name__ == "__main__":
    obj = make_object()
    torch.save(obj, "mixed_zip.pth")
    torch.save(obj, "mixed_legacy.pth", _use_new_zipfile_serialization=False)
    for name in ("mixed_zip.pth", "mixed_legacy.pth"):
        back = torch.load(name)
        assert torch.equal(back["transposed"], obj["transposed"]) and back["window"].storage_offset() == 8
    print("wrote mixed_zip.pth, mixed_legacy.pth with torch", torch.__version__)

#!/usr/bin/env python3
"""Writes small valid PNG seeds for the PNG decoder's fuzz target: every colour type, 1- to 16-bit depths, each row
filter, a palette with tRNS, Adam7 interlacing and an ancillary chunk. Usage: png_seeds.py DIR"""
import os, struct, sys, zlib

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def png(path, w, h, depth, ctype, rows, interlace=0, extra=b""):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace)
    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(body)

def raw(w, h, bpp_bits, filt=0):
    row_bytes = (w * bpp_bits + 7) // 8
    return b"".join(bytes([filt]) + bytes((x * 37 + y * 11) & 0xFF for x in range(row_bytes)) for y in range(h))

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
for ctype, depths in {0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 4, 8], 4: [8, 16], 6: [8, 16]}.items():
    for depth in depths:
        extra = b""
        if ctype == 3:
            extra = chunk(b"PLTE", bytes(range(48))) + chunk(b"tRNS", b"\x80\x40")
        png(os.path.join(out, f"c{ctype}d{depth}.png"), 5, 4, depth, ctype, raw(5, 4, channels[ctype] * depth, filt=(depth % 5)), extra=extra)
for filt in range(5):
    png(os.path.join(out, f"filter{filt}.png"), 6, 3, 8, 2, raw(6, 3, 24, filt), extra=chunk(b"tEXt", b"k\x00v"))
# Adam7: the passes of an 8x8 RGB image, filter 0, concatenated
passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
data = b""
for x0, y0, dx, dy in passes:
    pw, ph = (8 - x0 + dx - 1) // dx, (8 - y0 + dy - 1) // dy
    if pw and ph:
        data += raw(pw, ph, 24)
png(os.path.join(out, "adam7.png"), 8, 8, 8, 2, data, interlace=1)

#!/usr/bin/env python3
"""Makes the synthesis test fixtures from ../shared/data (pure Python, no numpy).

usage: python3 make_fixtures.py /path/to/shared/data

motorcycle_small.png     clear/skimage_motorcycle_left.png (741x500), first 498 rows, 3x3 box-averaged -> 247x166
motorcycle_small.disparity.npy
                         depth/skimage_motorcycle_left.disparity.npy sampled at the centre of each 3x3 block
                         (rows 1,4,..., cols 1,4,...): nearest neighbour, values unchanged (disparities of the full
                         resolution, NaN kept). Min-max normalisation makes the scale irrelevant to the pipeline.
desert.jpg               clear/budgie_extreme-desert-hike.jpg, copied unchanged.
"""
import os, shutil, struct, sys, zlib

def read_png_rgb8(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        n, = struct.unpack('>I', data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR': w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT': idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]; cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = cur[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
            if f == 1: cur[i] = (cur[i] + a) & 255
            elif f == 2: cur[i] = (cur[i] + b) & 255
            elif f == 3: cur[i] = (cur[i] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(cur[x * bpp:x * bpp + 3]) for x in range(w)]); prev = cur
    return w, h, rows

def write_png_rgb8(path, w, h, rows):
    raw = b''.join(b'\x00' + bytes(v for px in row for v in px) for row in rows)
    def chunk(kind, body): return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    open(path, 'wb').write(png)

def read_npy_f4(path):
    data = open(path, 'rb').read()
    hlen, = struct.unpack('<H', data[8:10]); header = data[10:10 + hlen].decode('latin1')
    assert "'<f4'" in header and "False" in header
    shape = tuple(int(s) for s in header.split('(')[1].split(')')[0].split(',') if s.strip())
    return shape, list(struct.unpack('<%df' % (shape[0] * shape[1]), data[10 + hlen:]))

def write_npy_f4(path, h, w, values):
    d = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (h, w)
    d += ' ' * ((64 - (10 + len(d) + 1) % 64) % 64) + '\n'
    open(path, 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(d)) + d.encode('latin1') + struct.pack('<%df' % len(values), *values))

src = sys.argv[1]; out = os.path.dirname(os.path.abspath(__file__))
w, h, rows = read_png_rgb8(os.path.join(src, 'clear/skimage_motorcycle_left.png'))
W, H = w // 3, h // 3
small = [[tuple((sum(rows[3 * Y + j][3 * X + i][c] for j in range(3) for i in range(3)) + 4) // 9 for c in range(3)) for X in range(W)] for Y in range(H)]
write_png_rgb8(os.path.join(out, 'motorcycle_small.png'), W, H, small)
(dh, dw), disp = read_npy_f4(os.path.join(src, 'depth/skimage_motorcycle_left.disparity.npy'))
assert (dh, dw) == (h, w)
write_npy_f4(os.path.join(out, 'motorcycle_small.disparity.npy'), H, W, [disp[(3 * Y + 1) * dw + 3 * X + 1] for Y in range(H) for X in range(W)])
shutil.copyfile(os.path.join(src, 'clear/budgie_extreme-desert-hike.jpg'), os.path.join(out, 'desert.jpg'))

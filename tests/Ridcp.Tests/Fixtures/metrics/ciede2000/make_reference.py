#!/usr/bin/python3
"""Reference values for Ridcp.NET's CIEDE2000 metric, computed independently with scikit-image.

Run from this folder with Debian's Python:  /usr/bin/python3 make_reference.py > reference.json
Needs Debian's python3-skimage (apt-get install python3-skimage; made with skimage 0.19.3, numpy 1.24.2,
Pillow 9.4.0 on Debian bookworm). Everything is float64, as skimage computes on uint8 input:
  - pixels: a set of 8-bit sRGB colours (the 6x6x6 cube on 0,51,...,255 plus seeded random colours) with their
    skimage.color.rgb2lab values (D65, 2 degree observer);
  - pixel_pairs: deltaE_ciede2000 (kL = kC = kH = 1) of colour i against colour j (a seeded permutation: large
    differences) and against colour i + (1,1,1) clipped to 255 (just-visible differences);
  - images: mean deltaE_ciede2000 over the pixels of real images decoded by Pillow (the metric fixtures in ../images),
    and mean L*, a*, b* and mean a* of the lower half of rows [H//2, H).
"""
import json
import sys

import numpy as np
import PIL
import skimage
from PIL import Image
from skimage.color import deltaE_ciede2000, rgb2lab


def lab(rgb_uint8):
    return rgb2lab(np.asarray(rgb_uint8, dtype=np.uint8))  # uint8 -> /255 float64 inside rgb2lab


def read(name):
    return np.asarray(Image.open("../images/" + name).convert("RGB"))


def main():
    levels = np.arange(0, 256, 51)
    cube = np.array([[r, g, b] for r in levels for g in levels for b in levels], dtype=np.uint8)
    rng = np.random.RandomState(2005)
    random = rng.randint(0, 256, size=(64, 3)).astype(np.uint8)
    colours = np.concatenate([cube, random])[None, :, :]  # a 1 x N image
    colours_lab = lab(colours)[0]

    n = colours.shape[1]
    perm = rng.permutation(n)
    nudged = np.minimum(colours.astype(np.int32) + 1, 255).astype(np.uint8)
    pairs = []
    for other, what in ((colours[:, perm], "permuted"), (nudged, "plus_one")):
        de = deltaE_ciede2000(colours_lab[None], lab(other))[0]
        for i in range(n):
            pairs.append({"rgb1": colours[0, i].tolist(), "rgb2": other[0, i].tolist(), "kind": what,
                          "delta_e": float(de[i])})

    images = []
    for pred_name, ref_name, swap in (
        ("pairs/budgie_canyon-wren.png", "clear/budgie_canyon-wren.jpg", False),
        ("budgie_oakland-zoo-otters.jpg", "budgie_oakland-zoo-otters.jpg", True),
        ("lxqt_fog.jpg", "enlightenment_foggy-trees.jpg", False),
    ):
        pred = read(pred_name)
        ref = read(ref_name)
        if swap:
            ref = ref[..., ::-1]  # R and B exchanged: a large, known colour change
        if pred.shape != ref.shape:
            h, w = min(pred.shape[0], ref.shape[0]), min(pred.shape[1], ref.shape[1])
            pred, ref = pred[:h, :w], ref[:h, :w]  # top-left crop to the common size
        images.append({"prediction": pred_name, "reference": ref_name, "reference_red_blue_swapped": swap,
                       "crop": [int(pred.shape[1]), int(pred.shape[0])],
                       "mean_delta_e": float(np.mean(deltaE_ciede2000(lab(pred), lab(ref))))})

    lab_means = []
    for name in ("budgie_oakland-zoo-otters.jpg", "clear/budgie_canyon-wren.jpg", "opencv_aero3.jpg"):
        img_lab = lab(read(name))
        h = img_lab.shape[0]
        lab_means.append({"image": name, "mean_L": float(img_lab[..., 0].mean()), "mean_a": float(img_lab[..., 1].mean()),
                          "mean_b": float(img_lab[..., 2].mean()), "mean_a_lower_half": float(img_lab[h // 2:, :, 1].mean())})

    doc = {
        "generated_by": "make_reference.py (scikit-image rgb2lab + deltaE_ciede2000, float64)",
        "versions": {"skimage": skimage.__version__, "numpy": np.__version__, "pillow": PIL.__version__},
        "pixels": [{"rgb": colours[0, i].tolist(), "lab": colours_lab[i].tolist()} for i in range(n)],
        "pixel_pairs": pairs,
        "images": images,
        "lab_means": lab_means,
    }
    # One record per line: small and readable in a diff.
    out = sys.stdout
    out.write("{\n")
    for k, (key, value) in enumerate(doc.items()):
        out.write(f" {json.dumps(key)}: ")
        if isinstance(value, list):
            out.write("[\n" + ",\n".join("  " + json.dumps(v) for v in value) + "\n ]")
        else:
            out.write(json.dumps(value))
        out.write(",\n" if k < len(doc) - 1 else "\n")
    out.write("}\n")


if __name__ == "__main__":
    main()

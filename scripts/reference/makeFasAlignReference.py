"""Reference FAS alignment (SPEC §6.6): the MTCNN `extract_image_chips(img, points, 224, padding=0.37)` that the
official preprocess_MCIO.py applies, re-stated here with numpy + OpenCV (Debian: python3-numpy python3-opencv).
Five reference points come from real dlib's 68 landmarks (test/fixtures/crops/dlib-reference.json): eye centres
(mean of 36-41 and 42-47), nose tip (30), mouth corners (48, 54). Writes test/fixtures/crops/fas-align.json and the
224x224 chips as PNG beside it.

    /usr/bin/python3 scripts/reference/makeFasAlignReference.py
"""
import json
import math
import os

import cv2
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "test", "fixtures", "crops")
SIZE = 224
PADDING = 0.37
MEAN_X = [0.224152, 0.75610125, 0.490127, 0.254149, 0.726104]
MEAN_Y = [0.2119465, 0.2119465, 0.628106, 0.780233, 0.780233]


def similarity(src, dst):
    """Least-squares similarity src -> dst as the MTCNN code computes it (Umeyama, proper rotation)."""
    mean_s, mean_d = src.mean(axis=0), dst.mean(axis=0)
    sigma_s = np.mean(np.sum((src - mean_s) ** 2, axis=1))
    cov = (dst - mean_d).T @ (src - mean_s) / len(src)
    u, d, vt = np.linalg.svd(cov)
    s = np.eye(2)
    if np.linalg.det(cov) < 0:
        if d[1] < d[0]:
            s[1, 1] = -1
        else:
            s[0, 0] = -1
    r = u @ s @ vt
    c = np.trace(np.diag(d) @ s) / sigma_s if sigma_s != 0 else 1.0
    return c * r


def chip_matrix(points):
    to = np.array([[(PADDING + MEAN_X[i]) / (2 * PADDING + 1) * SIZE, (PADDING + MEAN_Y[i]) / (2 * PADDING + 1) * SIZE] for i in range(5)])
    m = similarity(points, to)
    probe = m @ np.array([1.0, 0.0])
    scale = float(np.linalg.norm(probe))
    angle = 180.0 / math.pi * math.atan2(probe[1], probe[0])
    centre = ((points[0, 0] + points[1, 0]) / 2.0, (points[0, 1] + points[1, 1]) / 2.0)
    rot = cv2.getRotationMatrix2D(centre, -1 * angle, scale)
    rot[0][2] += SIZE * 0.5 - centre[0]
    rot[1][2] += SIZE * 0.4 - centre[1]
    return rot


def five_points(landmarks):
    p = np.array(landmarks, dtype=np.float64)
    return np.array([p[36:42].mean(axis=0), p[42:48].mean(axis=0), p[30], p[48], p[54]])


def main():
    with open(os.path.join(OUT, "dlib-reference.json")) as f:
        ref = json.load(f)
    cases = []
    for image in ref["images"]:
        if not image["source"].startswith("stills/"):
            continue
        name = os.path.basename(image["source"])
        bgr = cv2.imread(os.path.join(ROOT, "test", "fixtures", "media", name), cv2.IMREAD_COLOR)
        for k, face in enumerate(image["faces"][:1]):  # the first detection, as the official rule takes
            pts = five_points(face["landmarks"])
            rot = chip_matrix(pts)
            chip = cv2.warpAffine(bgr, rot, (SIZE, SIZE))
            png = f"fas-align-{os.path.splitext(name)[0]}-{k}.png"
            cv2.imwrite(os.path.join(OUT, png), chip)
            mapped = (rot[:, :2] @ pts.T).T + rot[:, 2]
            cases.append({"image": name, "face": k, "points": pts.tolist(), "matrix": rot.tolist(), "mapped": mapped.tolist(), "chip": png})
    record = {
        "generator": "scripts/reference/makeFasAlignReference.py (numpy %s, OpenCV %s)" % (np.__version__, cv2.__version__),
        "size": SIZE,
        "padding": PADDING,
        "coordinates": "OpenCV pixel-index coordinates (pixel centres at integers)",
        "cases": cases,
    }
    with open(os.path.join(OUT, "fas-align.json"), "w") as f:
        json.dump(record, f, indent=1)
    print(len(cases), "cases")


main()

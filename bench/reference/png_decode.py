#!/usr/bin/python3
"""Decode-only rate of a PNG class-folder tree through torchvision, the way the shared reference's png part
measures it (ImageFolder's default loader, Grayscale(1), ToTensor, Normalize; DataLoader batch 64), over every
split folder under --root. Prints 'RESULT {json}' lines."""
import argparse
import json
import os
import time

import torch
import torchvision.transforms as T
from torch.utils.data import ConcatDataset, DataLoader
from torchvision.datasets import ImageFolder

MEAN, STD = 0.2860, 0.3530


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", default="0,2")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    transform = T.Compose([T.Grayscale(num_output_channels=1), T.ToTensor(), T.Normalize((MEAN,), (STD,))])
    splits = sorted(d for d in os.listdir(args.root) if os.path.isdir(os.path.join(args.root, d)))
    data = ConcatDataset([ImageFolder(os.path.join(args.root, s), transform=transform) for s in splits])
    for workers in (int(w) for w in args.workers.split(",")):
        loader = DataLoader(data, batch_size=64, shuffle=False, num_workers=workers)
        start = time.perf_counter()
        count = 0
        for images, _ in loader:
            count += images.shape[0]
        rate = count / (time.perf_counter() - start)
        print("RESULT " + json.dumps({"name": f"decode.nw{workers}.img_per_s", "value": rate, "unit": "img/s",
                                      "images": count}), flush=True)


if __name__ == "__main__":
    main()

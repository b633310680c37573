"""Inference speed of torchvision's classifiers, the reference for the ArchitectureLatency benchmark.

For each model: eval mode, no gradients, random 3x224x224 input, 10 classes as in our networks. Batch-1 latency
is the median of --latency-runs single forward passes after --warmup passes; throughput is images per second
at batch --batch, the median over --batch-runs passes after one warm-up pass. Every figure is printed as a line
RESULT {"name": ..., "value": ...}, the form the benchmark project reads.

Run with Debian's interpreter (python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 torchvision_latency.py --models resnet18,resnet50,mobilenet_v2 --threads 2
"""
import argparse
import json
import statistics
import time

import torch
import torchvision


def result(name, value):
    print("RESULT " + json.dumps({"name": name, "value": value}), flush=True)


def forward_seconds(model, batch):
    start = time.perf_counter()
    model(batch)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="resnet18,resnet50,mobilenet_v2")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--latency-runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--batch-runs", type=int, default=3)
    options = parser.parse_args()

    torch.set_num_threads(options.threads)
    torch.manual_seed(0)
    for name in options.models.split(","):
        model = getattr(torchvision.models, name)(num_classes=10).eval()
        single = torch.randn(1, 3, 224, 224)
        batch = torch.randn(options.batch, 3, 224, 224)
        with torch.no_grad():
            for _ in range(options.warmup):
                model(single)
            latency = [forward_seconds(model, single) for _ in range(options.latency_runs)]
            model(batch)
            batched = [forward_seconds(model, batch) for _ in range(options.batch_runs)]
        result(f"{name}.b1.latency_median_ms", statistics.median(latency) * 1000)
        result(f"{name}.b{options.batch}.img_per_s", options.batch / statistics.median(batched))


if __name__ == "__main__":
    main()

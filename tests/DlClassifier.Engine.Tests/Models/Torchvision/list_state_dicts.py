"""Writes the state-dict listings that TorchvisionLayoutTests compare our networks with.

Each listing holds one line per state-dict entry of torchvision's network built for 10 classes, in
torchvision's order: the key, a space, and the shape as a list. The tests also hard-code the counts this
script prints, so that CI needs no Python. Run it with Debian's interpreter (python3-torchvision 0.14):

    /usr/bin/python3 list_state_dicts.py
"""
import pathlib

import torchvision

HERE = pathlib.Path(__file__).resolve().parent

for name in ("resnet18", "resnet50", "mobilenet_v2"):
    for classes in (10, 1000):
        network = getattr(torchvision.models, name)(num_classes=classes)
        state = network.state_dict()
        parameters = sum(p.numel() for p in network.parameters())
        values = sum(v.numel() for v in state.values())
        print(f"{name} classes={classes} entries={len(state)} parameter_tensors={len(list(network.parameters()))} "
              f"parameters={parameters} state_values={values}")
        if classes == 10:
            lines = (f"{key} {list(value.shape)}" for key, value in state.items())
            (HERE / f"{name}.txt").write_text("\n".join(lines) + "\n")

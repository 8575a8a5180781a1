"""Learning-parity check, step 2 of 2: trains the quickstart's full fine-tuning recipe with PyTorch on the tensors
written by dumpTrainingData.ts (the same pre-trained encoder, the same batches in the same order, the same held-out
test sets) and prints the held-out frame and video AUCs, so a gap to the targets can be told apart from an engine bug.
Not part of the product; needs a Python with torch and numpy.

    .venv-torch/bin/python scripts/parity/trainTorch.py /tmp/parity [--seed 0] [--threads 2]

The model is the SPEC §1.6 classifier (timm ViT semantics, global pool + fc_norm, head trunc-normal std 2e-5), the
optimiser AdamW with the §5.1 layer-wise decay and weight-decay groups, lr warm-up + cosine per iteration, label
smoothing, drop path: what `fsvfm finetune` runs for the same options (meta.json).
"""
import argparse
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads, drop_path):
        super().__init__()
        self.norm1 = nn.LayerNorm(d, eps=1e-6)
        self.attn = nn.Module()
        self.attn.qkv = nn.Linear(d, 3 * d)
        self.attn.proj = nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d, eps=1e-6)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(d, 4 * d)
        self.mlp.fc2 = nn.Linear(4 * d, d)
        self.heads = heads
        self.drop_path = drop_path

    def dp(self, x):
        if not self.training or self.drop_path == 0:
            return x
        keep = 1 - self.drop_path
        mask = x.new_empty(x.shape[0], 1, 1).bernoulli_(keep)
        return x * mask / keep

    def forward(self, x):
        B, T, D = x.shape
        h = self.norm1(x)
        qkv = self.attn.qkv(h).reshape(B, T, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2])
        x = x + self.dp(self.attn.proj(a.transpose(1, 2).reshape(B, T, D)))
        return x + self.dp(self.mlp.fc2(F.gelu(self.mlp.fc1(self.norm2(x)))))


class Classifier(nn.Module):
    def __init__(self, m, num_classes, drop_path):
        super().__init__()
        d, p = m["embedDim"], m["patchSize"]
        n = (m["imgSize"] // p) ** 2
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(3, d, p, p)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, d))
        rates = np.linspace(0, drop_path, m["depth"])
        self.blocks = nn.ModuleList(Block(d, m["numHeads"], float(r)) for r in rates)
        self.fc_norm = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, num_classes)

    def forward(self, x):
        x = self.patch_embed.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        for b in self.blocks:
            x = b(x)
        return self.head(self.fc_norm(x[:, 1:].mean(1)))


def param_groups(model, depth, weight_decay, layer_decay):
    n = depth + 1
    groups = {}
    for name, p in model.named_parameters():
        if name.startswith(("cls_token", "pos_embed", "patch_embed")):
            layer = 0
        elif name.startswith("blocks."):
            layer = int(name.split(".")[1]) + 1
        else:
            layer = n
        no_decay = p.ndim == 1 or name in ("pos_embed", "cls_token")
        key = (layer, no_decay)
        g = groups.setdefault(key, {"params": [], "weight_decay": 0.0 if no_decay else weight_decay,
                                    "lr_scale": layer_decay ** (n - layer)})
        g["params"].append(p)
    return list(groups.values())


def lr_at(meta, e):
    lr, warm, epochs, min_lr = meta["lr"], meta["warmupEpochs"], meta["epochs"], meta["minLr"]
    if e < warm:
        return lr * e / warm
    return min_lr + (lr - min_lr) * 0.5 * (1 + math.cos(math.pi * (e - warm) / (epochs - warm)))


def auc(scores, labels_fake):
    """Mann-Whitney AUC of P(fake) with fakes as positives, ties counted half."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels_fake, dtype=bool)
    pos, neg = s[y], s[~y]
    gt = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(gt) / (len(pos) * len(neg))


def evaluate(model, dump, fake):
    """Frame and video AUC of P(fake) on the dumped held-out sets (video = mean over a clip's frames)."""
    model.eval()
    result = {}
    for name in ("sbi", "swap"):
        info = json.load(open(os.path.join(dump, f"test-{name}.json")))
        x = torch.from_numpy(np.load(os.path.join(dump, f"test-{name}.npy")))
        with torch.no_grad():
            p = torch.cat([F.softmax(model(x[i:i + 32]), 1)[:, fake] for i in range(0, len(x), 32)]).numpy()
        is_fake = [lab == 0 for lab in info["labels"]]
        videos = {}
        for v, s, f in zip(info["videoIds"], p, is_fake):
            videos.setdefault(v, [[], f])[0].append(s)
        result[name] = {
            "frame_auc": auc(p, is_fake),
            "video_auc": auc([np.mean(s) for s, _ in videos.values()], [f for _, f in videos.values()]),
        }
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--seed", type=int, default=None, help="torch seed (default: the dump's seed)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--evaluate", help="only score this fsvfm fine-tuned checkpoint on the dumped test sets "
                                       "(checks that both sides evaluate alike)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    meta = json.load(open(os.path.join(a.dump, "meta.json")))
    torch.manual_seed(meta["seed"] if a.seed is None else a.seed)
    model = Classifier(meta["model"], meta["numClasses"], meta["dropPath"])
    if a.evaluate:
        tuned = torch.load(a.evaluate, map_location="cpu", weights_only=False)
        model.load_state_dict(tuned["model"], strict=True)
        print(json.dumps({"checkpoint": a.evaluate, **evaluate(model, a.dump, 1 - meta["realIndex"])}))
        return
    ckpt = torch.load(meta["pretrained"], map_location="cpu", weights_only=False)
    sd = ckpt["model"] if "model" in ckpt else ckpt
    missing, _ = model.load_state_dict({k: v for k, v in sd.items() if k in model.state_dict()}, strict=False)
    assert sorted(missing) == ["fc_norm.bias", "fc_norm.weight", "head.bias", "head.weight"], missing
    nn.init.trunc_normal_(model.head.weight, std=2e-5)
    nn.init.zeros_(model.head.bias)
    groups = param_groups(model, meta["model"]["depth"], meta["weightDecay"], meta["layerDecay"])
    opt = torch.optim.AdamW(groups, lr=meta["lr"], betas=(0.9, 0.999), eps=1e-8)
    B, steps, real = meta["batchSize"], meta["stepsPerEpoch"], meta["realIndex"]
    fake = 1 - real
    for epoch in range(meta["epochs"]):
        x_all = np.load(os.path.join(a.dump, f"train-e{epoch}.npy"), mmap_mode="r")
        y_all = np.load(os.path.join(a.dump, f"train-e{epoch}-labels.npy"))
        model.train()
        total = 0.0
        for step in range(steps):
            e = epoch + step / steps
            for g in opt.param_groups:
                g["lr"] = lr_at(meta, e) * g["lr_scale"]
            x = torch.from_numpy(np.array(x_all[step * B:(step + 1) * B]))
            y = torch.from_numpy(y_all[step * B:(step + 1) * B])
            loss = F.cross_entropy(model(x), y, label_smoothing=meta["smoothing"])
            opt.zero_grad()
            loss.backward()
            if meta["clipGrad"]:
                nn.utils.clip_grad_norm_(model.parameters(), meta["clipGrad"])
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: train loss {total / steps:.4f}", flush=True)
    print(json.dumps({"seed": meta["seed"], "mode": meta["mode"], **evaluate(model, a.dump, fake)}))


if __name__ == "__main__":
    main()

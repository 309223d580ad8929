#!/usr/bin/python3
"""Would Winograd convolutions speed up resnet's training? F(2x2, 3x3) does a 3x3 convolution in
2.25x fewer multiplies than the direct one; written here with torch operations (4x4 tiles unfolded,
the input/filter/output transforms as small matrix products, 16 batched GEMMs over channels,
autograd for the backward) and timed forward + backward against torch's own convolution (oneDNN),
on resnet's 3x3 shapes at batch 128, on the same threads. Debian's python3-torch, the same LibTorch.
usage: bench/winograd_torch_ops.py [THREADS]"""
import sys
import time

import torch
import torch.nn.functional as F

Bt = torch.tensor([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=torch.float32)
G = torch.tensor([[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]], dtype=torch.float32)
At = torch.tensor([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=torch.float32)


def winograd(x, w):
    n, c, h, wd = x.shape
    k = w.shape[0]
    # pad 1 all round, and one more at the bottom/right of an odd size: whole 2x2 output tiles
    xp = F.pad(x, (1, 1 + wd % 2, 1, 1 + h % 2))
    tiles = xp.unfold(2, 4, 2).unfold(3, 4, 2)  # n c th tw 4 4
    th, tw = tiles.shape[2], tiles.shape[3]
    v = (Bt @ tiles @ Bt.t()).permute(4, 5, 0, 2, 3, 1).reshape(16, n * th * tw, c)
    u = (G @ w @ G.t()).permute(2, 3, 1, 0).reshape(16, c, k)
    m = torch.bmm(v, u).reshape(4, 4, n, th, tw, k)
    y = torch.einsum('ai,ijnhwk,bj->nkhawb', At, m, At).reshape(n, k, th * 2, tw * 2)
    return y[:, :, :h, :wd]


def seconds(f, x, w, rounds=5):
    for _ in range(2):
        f(x, w).sum().backward()
    start = time.perf_counter()
    for _ in range(rounds):
        f(x, w).sum().backward()
    return (time.perf_counter() - start) / rounds


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    print(f"forward + backward, batch 128, {threads} thread(s), milliseconds")
    for c, k, size in [(32, 32, 28), (64, 64, 14), (128, 128, 7)]:
        x = torch.randn(128, c, size, size).contiguous(memory_format=torch.channels_last).requires_grad_()
        w = (torch.randn(k, c, 3, 3) * 0.1).requires_grad_()
        error = (F.conv2d(x, w, padding=1) - winograd(x, w)).abs().max().item()
        direct = seconds(lambda a, b: F.conv2d(a, b, padding=1), x, w)
        tiled = seconds(winograd, x, w)
        print(f"{c:3d}->{k:3d} at {size:2d}x{size:<2d}  oneDNN direct {direct * 1e3:7.1f}  "
              f"Winograd in torch ops {tiled * 1e3:7.1f}  ({tiled / direct:.1f}x)  max difference {error:.1e}")


if __name__ == "__main__":
    main()

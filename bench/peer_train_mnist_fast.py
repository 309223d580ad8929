"""Peer benchmark: the best-known fast MNIST recipe (tuomaso/train_mnist_fast) as a plain PyTorch
script on Debian's python3-torch (the same LibTorch backend as the studio): conv 1->24 5x5, pool,
conv 24->32 3x3, pool, FC 800->256->10, no dropout; the whole training set held as one tensor,
shuffled each epoch; batch 256, one epoch, Adam betas (0.7, 0.9), OneCycleLR to 0.01.
Usage: /usr/bin/python3 peer_train_mnist_fast.py DATA_DIR SEED [THREADS]
Prints one line: seed, train seconds, test accuracy. Time the whole process from outside: that is
the wall time a user waits for."""
import sys, time, numpy as np, torch, torch.nn as nn, torch.nn.functional as F

data, seed = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
torch.manual_seed(seed)


def idx(path, offset):
    return np.frombuffer(open(path, 'rb').read(), dtype=np.uint8, offset=offset)


def images(name):
    x = torch.from_numpy(idx(f'{data}/{name}', 16).reshape(-1, 1, 28, 28).copy()).float().div_(255)
    return x.sub_(0.1307).div_(0.3081)


Xtr, Xte = images('train-images-idx3-ubyte'), images('t10k-images-idx3-ubyte')
Ytr = torch.from_numpy(idx(f'{data}/train-labels-idx1-ubyte', 8).astype(np.int64))
Yte = torch.from_numpy(idx(f'{data}/t10k-labels-idx1-ubyte', 8).astype(np.int64))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 24, 5, 1), nn.Conv2d(24, 32, 3, 1)
        self.fc1, self.fc2 = nn.Linear(800, 256), nn.Linear(256, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


model, batch, epochs = Net(), 256, 1
optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.7, 0.9))
steps = (len(Ytr) + batch - 1) // batch
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, epochs=epochs, steps_per_epoch=steps)
start = time.time()
for epoch in range(epochs):
    model.train()
    order = torch.randperm(len(Ytr))
    for i in range(0, len(Ytr), batch):
        j = order[i:i + batch]
        optimizer.zero_grad()
        F.cross_entropy(model(Xtr[j]), Ytr[j]).backward()
        optimizer.step()
        scheduler.step()
train_s = time.time() - start
model.eval()
with torch.no_grad():
    correct = sum((model(Xte[i:i + 1000]).argmax(1) == Yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000))
print(f'peer seed={seed} train_s={train_s:.2f} test_acc={correct / 100:.2f}')

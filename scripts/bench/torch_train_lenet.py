"""PyTorch's side of the CPU training comparison in docs/BENCHMARKS.md: lenet-all (dropout after
every layer but the last, p = 0.5), SGD with momentum 0.9 and weight decay 5e-4, batch 64, on one
random batch (the step's arithmetic does not depend on the data); prints images per second over 300
steps after 20 warm-up steps. Usage: python3 scripts/bench/torch_train_lenet.py [threads]"""
import sys
import time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1=nn.Conv2d(1,20,5); s.c2=nn.Conv2d(20,50,5); s.f1=nn.Linear(800,500); s.f2=nn.Linear(500,10)
    def forward(s,x):
        x=F.max_pool2d(F.dropout(s.c1(x),0.5,True),2,2)
        x=F.max_pool2d(F.dropout(s.c2(x),0.5,True),2,2).flatten(1)
        x=F.dropout(F.relu(s.f1(x)),0.5,True)
        return s.f2(x)
net=Net(); opt=torch.optim.SGD(net.parameters(),lr=0.01,momentum=0.9,weight_decay=5e-4)
x=torch.rand(64,1,28,28); y=torch.randint(0,10,(64,))
for i in range(20):
    opt.zero_grad(); F.cross_entropy(net(x),y).backward(); opt.step()
n=300; t=time.perf_counter()
for i in range(n):
    opt.zero_grad(); F.cross_entropy(net(x),y).backward(); opt.step()
s=time.perf_counter()-t
print(f"pytorch {torch.__version__} cpu {torch.get_num_threads()} threads: {n*64/s:.0f} img/s ({n} steps of 64 in {s:.1f} s)")

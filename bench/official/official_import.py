"""Import the official RIDCP network (RQ-Wu/RIDCP_dehazing) from a checkout, unmodified, on a CPU-only PyTorch.

The official files are read from the folder given by the caller; nothing of them is copied here. What is ours is
the glue that lets them import without the rest of BasicSR (tests/Ridcp.Tests/Fixtures/parity/README.md,
section 11):

- empty package objects for `basicsr`, `basicsr.archs`, `basicsr.utils`, `basicsr.ops`, so their __init__ files
  (which import pyiqa, the data pipeline, losses and models) are not run; `basicsr.archs` points at the checkout's
  folder, so the arch files themselves are found there;
- `basicsr.utils.registry`: register() hands the class back unchanged;
- `basicsr.utils.get_root_logger`: the standard logging module (only reached when a DCN offset mean exceeds 50);
- `basicsr.ops.dcn`: ModulatedDeformConvPack with basicsr's attribute, parameter and sub-module names, and a
  modulated_deform_conv that calls torchvision.ops.deform_conv2d (the official kernel is a CUDA extension);
- `timm.models.layers`: to_2tuple, trunc_normal_ (construction-time init only) and DropPath (the network uses
  drop_path 0, i.e. nn.Identity, so DropPath is never built; the stand-in refuses a non-zero rate).
"""
import hashlib
import logging
import math
import os
import sys
import types

import torch
from torch import nn

# Commit 23c9b046fdd3c2a70df342d105dea07769c441e2 of RQ-Wu/RIDCP_dehazing; the same list (without vgg_arch.py,
# which the network imports but never builds) is in Fixtures/parity/README.md section 11.
OFFICIAL_COMMIT = '23c9b046fdd3c2a70df342d105dea07769c441e2'
OFFICIAL_SHA256 = {
    'basicsr/archs/dehaze_vq_weight_arch.py': '0394283d2a34b1104b1ac145d67d4ea05751664802522d09c0312eb1a479b864',
    'basicsr/archs/network_swinir.py': '68a16cdc9799987f7b3792d1728a8610c4326dd6860ffa671f9ff4f3caa9a5c3',
    'basicsr/archs/ridcp_utils.py': '88c77d706d2e317271bdfd9e85d946a0abaa42a6238957f02a14532f7eb6476e',
    'basicsr/archs/vgg_arch.py': 'b9e884da14174550b13218c3a89f9babf221ede5a318e0ef899f5f8c5a4507d3',
    'inference_ridcp.py': '331509d0fea443af24c1cbc7ed863a223a3312415a29c105d3051261b6e90548',
}


class OfficialCodeError(Exception):
    """The official checkout is missing, incomplete or not the expected commit."""


def check_official_files(root):
    """SHA-256 of every official file the network needs (plus inference_ridcp.py, whose construction we follow),
    compared with the commit the parity fixtures were made from. Returns (path, sha256) pairs."""
    if not os.path.isdir(root):
        raise OfficialCodeError(f'official code folder not found: {root} '
                                f'(git clone https://github.com/RQ-Wu/RIDCP_dehazing; git checkout {OFFICIAL_COMMIT[:7]})')
    found = []
    for rel, want in OFFICIAL_SHA256.items():
        path = os.path.join(root, rel)
        if not os.path.isfile(path):
            raise OfficialCodeError(f'{root} is not an RIDCP_dehazing checkout: {rel} is missing')
        with open(path, 'rb') as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != want:
            raise OfficialCodeError(f'{rel} differs from commit {OFFICIAL_COMMIT[:7]} (SHA-256 {got}, expected {want}); '
                                    f'check out that commit')
        found.append((rel, got))
    return found


def _package(name, path=None):
    module = types.ModuleType(name)
    module.__path__ = [path] if path else []
    sys.modules[name] = module
    return module


def _module(name, **attributes):
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    sys.modules[name] = module
    parent, _, child = name.rpartition('.')
    if parent in sys.modules:
        setattr(sys.modules[parent], child, module)
    return module


class _PassThroughRegistry:
    def register(self, obj=None):
        return obj if obj is not None else (lambda cls: cls)


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def modulated_deform_conv(x, offset, mask, weight, bias, stride, padding, dilation, groups, deformable_groups):
    """basicsr's signature; torchvision infers the deformable groups from the offset's channels (2 x groups x k x k,
    the same (y, x) interleaving as basicsr's kernel) and supports only groups == 1, which is what RIDCP uses."""
    import torchvision.ops
    if groups != 1:
        raise NotImplementedError('the torchvision stand-in supports groups == 1 only')
    return torchvision.ops.deform_conv2d(x, offset, weight, bias, stride=_pair(stride), padding=_pair(padding),
                                         dilation=_pair(dilation), mask=mask)


class ModulatedDeformConvPack(nn.Module):
    """Parameter, buffer and sub-module names as basicsr.ops.dcn.ModulatedDeformConvPack (weight, bias,
    conv_offset.weight, conv_offset.bias), so the official checkpoints load into it key for key."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 deformable_groups=1, bias=True):
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.groups, self.deformable_groups, self.with_bias = groups, deformable_groups, bias
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, *self.kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels)) if bias else None
        nn.init.uniform_(self.weight, -1 / math.sqrt(in_channels * self.kernel_size[0] * self.kernel_size[1]),
                         1 / math.sqrt(in_channels * self.kernel_size[0] * self.kernel_size[1]))
        self.conv_offset = nn.Conv2d(in_channels, deformable_groups * 3 * self.kernel_size[0] * self.kernel_size[1],
                                     self.kernel_size, _pair(stride), _pair(padding), _pair(dilation), bias=True)
        nn.init.zeros_(self.conv_offset.weight)
        nn.init.zeros_(self.conv_offset.bias)

    def forward(self, x):
        o1, o2, mask = torch.chunk(self.conv_offset(x), 3, dim=1)
        return modulated_deform_conv(x, torch.cat((o1, o2), dim=1), torch.sigmoid(mask), self.weight, self.bias,
                                     self.stride, self.padding, self.dilation, self.groups, self.deformable_groups)


def _drop_path(rate=0.0, *args, **kwargs):
    raise NotImplementedError(f'DropPath({rate}) is not part of the inference network (drop_path is 0)')


def _install_stand_ins(root):
    for name in [n for n in sys.modules if n == 'basicsr' or n.startswith('basicsr.') or n.startswith('timm')]:
        del sys.modules[name]
    _package('basicsr', os.path.join(root, 'basicsr'))
    _package('basicsr.archs', os.path.join(root, 'basicsr', 'archs'))
    _package('basicsr.utils')
    _package('basicsr.ops')
    _module('basicsr.utils.registry', ARCH_REGISTRY=_PassThroughRegistry())
    sys.modules['basicsr.utils'].get_root_logger = lambda *a, **k: logging.getLogger('basicsr')
    _module('basicsr.ops.dcn', ModulatedDeformConvPack=ModulatedDeformConvPack,
            modulated_deform_conv=modulated_deform_conv)
    _package('timm')
    _package('timm.models')
    _module('timm.models.layers', to_2tuple=_pair, trunc_normal_=nn.init.trunc_normal_, DropPath=_drop_path)


def import_official_arch(root):
    """Check the checkout, install the stand-ins and import basicsr/archs/dehaze_vq_weight_arch.py from it.
    Returns (module, [(file, sha256)])."""
    files = check_official_files(root)
    try:
        import torchvision.ops  # noqa: F401  (deform_conv2d, and vgg_arch imports torchvision.models)
    except ImportError as e:
        raise OfficialCodeError(f'torchvision is missing ({e}); on Debian: apt-get install python3-torchvision')
    _install_stand_ins(root)
    import importlib
    arch = importlib.import_module('basicsr.archs.dehaze_vq_weight_arch')
    # the official module calls get_root_logger without importing it (a NameError path when offsets grow large)
    arch.get_root_logger = sys.modules['basicsr.utils'].get_root_logger
    return arch, files

"""Reading a torch.nn layer's settings, for convarith.from_module."""

from __future__ import annotations

from .errors import ParameterError
from .model.layers import SHAPE_KEEPING

TORCH_MISSING = ("convarith.from_module reads a PyTorch layer, but PyTorch is not "
                 "installed for this Python ('pip install torch' installs it). Without "
                 "it, pass the layer's sizes to convarith.conv2d, conv_transpose2d, "
                 "max_pool2d or avg_pool2d instead.")


def _padding(module):
    """A Conv2d's padding as conv2d takes it: a size, or 'same' ('valid' is 0)."""
    return 0 if module.padding == "valid" else module.padding


def module_call(module) -> tuple[str, dict]:
    """(name of the API function, its keyword arguments) that draw what
    `module` computes."""
    try:
        from torch import nn
    except ImportError:
        raise ImportError(TORCH_MISSING) from None
    name = type(module).__name__
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        common = dict(kernel_size=module.kernel_size, stride=module.stride,
                      dilation=module.dilation, in_channels=module.in_channels,
                      out_channels=module.out_channels, groups=module.groups)
        if isinstance(module, nn.ConvTranspose2d):
            # (PyTorch allows only padding_mode='zeros' here.)
            return "conv_transpose2d", dict(common, padding=module.padding,
                                            output_padding=module.output_padding)
        return "conv2d", dict(common, padding=_padding(module),
                              padding_mode=module.padding_mode)
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        kwargs = dict(kernel_size=module.kernel_size, stride=module.stride,
                      padding=module.padding, ceil_mode=module.ceil_mode)
        if isinstance(module, nn.MaxPool2d):
            return "max_pool2d", dict(kwargs, dilation=module.dilation)
        return "avg_pool2d", dict(kwargs, count_include_pad=module.count_include_pad,
                                  divisor_override=module.divisor_override)
    raise ParameterError(
        f"convarith.from_module draws nn.Conv2d, nn.ConvTranspose2d, nn.MaxPool2d "
        f"and nn.AvgPool2d layers (and describes them in an nn.Sequential, with "
        f"activations and normalisations), not {name}.")


#: Layers that keep their input's shape, described as such in a chain.
ELEMENTWISE = SHAPE_KEEPING


def module_layers(module) -> list:
    """The layers of `module` (one layer, or an nn.Sequential of them) for
    the calculator (convarith.model.layers)."""
    from .model.layers import elementwise_layer, make_layer
    try:
        from torch import nn
    except ImportError:
        raise ImportError(TORCH_MISSING) from None
    if isinstance(module, nn.Sequential):
        return [layer for child in module for layer in module_layers(child)]
    name = type(module).__name__
    if name in ELEMENTWISE:
        parameters = sum(p.numel() for p in module.parameters())
        size = getattr(module, "num_features", getattr(module, "num_channels", None))
        # A normalisation with a scale and shift or running statistics per
        # channel takes inputs of that many channels only, as in PyTorch.
        per_channel = (getattr(module, "affine", False)
                       or getattr(module, "track_running_stats", False))
        return [elementwise_layer(f"{name}({'' if size is None else size})", parameters,
                                  int(size) if size is not None and per_channel else None)]
    op, kwargs = module_call(module)
    if op in ("conv2d", "conv_transpose2d"):
        kwargs["bias"] = module.bias is not None
        kwargs.pop("padding_mode", None) if op == "conv_transpose2d" else None
        if op == "conv2d":
            kwargs["padding"] = module.padding
    if op == "avg_pool2d" and kwargs.get("divisor_override") is None:
        kwargs.pop("divisor_override", None)
    return [make_layer(op, **kwargs)]


def module_given(module, tensor):
    """The numbers of `module` and of the input `tensor` ((1, C, H, W) or
    (C, H, W)) as model.values.Given: what a figure of them draws."""
    import torch

    from .model.values import Given, frozen
    if not isinstance(tensor, torch.Tensor):
        raise ParameterError(f"input= must be a torch tensor of shape (1, C, H, W) or (C, H, "
                             f"W), as the module takes, not {type(tensor).__name__}.")
    shape = tuple(tensor.shape)
    if len(shape) == 4 and shape[0] == 1:
        tensor = tensor[0]
    elif len(shape) != 3:
        raise ParameterError(f"input= must be a tensor of shape (1, C, H, W) or (C, H, W), "
                             f"not {shape}.")
    # The module itself says whether it takes the tensor (its dtype, its
    # channels): a figure draws only what the layer computes.
    channels = getattr(module, "in_channels", tensor.shape[0])
    height, width = tensor.shape[1:]
    try:
        with torch.no_grad():
            module(tensor[None])
    except (RuntimeError, TypeError, ValueError) as error:
        said = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ParameterError(f"The module refuses input= (a {tensor.dtype} tensor of shape "
                             f"{shape}): {said.rstrip('.')}. Give a tensor it takes, such "
                             f"as torch.rand(1, {channels}, {height}, {width}).") from None
    weight = getattr(module, "weight", None)
    bias = getattr(module, "bias", None)
    return Given(input=frozen(tensor.detach().double().tolist()),
                 weight=None if weight is None else frozen(weight.detach().double().tolist()),
                 bias=None if bias is None else tuple(bias.detach().double().tolist()))

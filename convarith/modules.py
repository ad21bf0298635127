"""Reading a torch.nn layer's settings, for convarith.from_module."""

from __future__ import annotations

from .errors import ParameterError

TORCH_MISSING = ("convarith.from_module reads a PyTorch layer, but PyTorch is not "
                 "installed for this Python ('pip install torch' installs it). Without "
                 "it, pass the layer's sizes to convarith.conv2d, conv_transpose2d, "
                 "max_pool2d or avg_pool2d instead.")


def _same_padding(module) -> tuple[int, int]:
    """padding='same' as symmetric padding, where it is symmetric."""
    pads = []
    for k, d in zip(module.kernel_size, module.dilation):
        total = d * (k - 1)
        if total % 2:
            raise ParameterError(
                f"padding='same' with kernel size {k} and dilation {d} pads one "
                "side more than the other, which these figures cannot show; use an "
                "odd kernel size (or an even dilation).")
        pads.append(total // 2)
    return tuple(pads)


def _padding(module):
    if module.padding == "valid":
        return 0
    if module.padding == "same":
        return _same_padding(module)
    return module.padding


def module_call(module):
    """(API function, keyword arguments) that draw what `module` computes."""
    try:
        from torch import nn
    except ImportError:
        raise ImportError(TORCH_MISSING) from None
    from . import api
    name = type(module).__name__
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        if module.padding_mode != "zeros":
            raise ParameterError(
                f"{name}(padding_mode={module.padding_mode!r}) is not drawn; these "
                "figures show zero padding.")
        common = dict(kernel_size=module.kernel_size, stride=module.stride,
                      dilation=module.dilation, in_channels=module.in_channels,
                      out_channels=module.out_channels, groups=module.groups)
        if isinstance(module, nn.ConvTranspose2d):
            return api.conv_transpose2d, dict(common, padding=module.padding,
                                              output_padding=module.output_padding)
        return api.conv2d, dict(common, padding=_padding(module))
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        if module.ceil_mode:
            raise ParameterError(f"{name}(ceil_mode=True) is not drawn; these figures "
                                 "follow ceil_mode=False.")
        kwargs = dict(kernel_size=module.kernel_size, stride=module.stride,
                      padding=module.padding)
        if isinstance(module, nn.MaxPool2d):
            return api.max_pool2d, dict(kwargs, dilation=module.dilation)
        if not module.count_include_pad or module.divisor_override is not None:
            raise ParameterError(
                f"{name} with count_include_pad=False or a divisor_override is not "
                "drawn; these figures divide by the whole window, as PyTorch does "
                "by default.")
        return api.avg_pool2d, kwargs
    raise ParameterError(
        f"convarith.from_module draws nn.Conv2d, nn.ConvTranspose2d, nn.MaxPool2d "
        f"and nn.AvgPool2d layers, not {name}.")

"""clearsight: custom AWS Config rules, remediations and conformance packs, proven offline."""

__version__ = "0.1.0"

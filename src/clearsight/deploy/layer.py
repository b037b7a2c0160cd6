"""`clearsight deploy layer`: the rdklib Lambda layer, pinned to the version clearsight installs.

rdk's built-in layer table covers 16 regions at an unknown rdklib version; ours is built from
the installed rdklib distribution (the pinned wheel from the registry), so the rules run on
exactly the rdklib they were tested with. The zip is deterministic; its digest is in the
layer version's description, so an unchanged layer is found and reused, never republished.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from importlib import metadata

from botocore.exceptions import ClientError

from ..packs import partition
from .steps import Deployer, absent

LAYER_NAME = "clearsight-rdklib"
RUNTIMES = ["python3.12", "python3.13"]
_EPOCH = (1980, 1, 1, 0, 0, 0)


def layer_zip() -> tuple[bytes, str]:
    """(zip bytes, description): rdklib's files under python/, as Lambda layers expect."""
    dist = metadata.distribution("rdklib")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(dist.files, key=str):
            if file.suffix == ".pyc" or "__pycache__" in file.parts:
                continue
            info = zipfile.ZipInfo(f"python/{file.as_posix()}", _EPOCH)
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_binary(), zipfile.ZIP_DEFLATED)
    data = buffer.getvalue()
    return data, f"rdklib=={dist.version} sha256:{hashlib.sha256(data).hexdigest()[:32]}"


def ensure_layer(deployer: Deployer, region: str) -> str:
    """The ARN of the layer version holding exactly this rdklib, published only when missing."""
    data, description = layer_zip()
    pages = deployer.client("lambda", region).get_paginator("list_layer_versions")
    try:
        for page in pages.paginate(LayerName=LAYER_NAME):
            for version in page["LayerVersions"]:
                if version.get("Description") == description:
                    return version["LayerVersionArn"]
    except ClientError as error:
        if not absent(error):
            raise
    published = deployer.change("lambda", region, "PublishLayerVersion", LayerName=LAYER_NAME,
                                Description=description, Content={"ZipFile": data}, CompatibleRuntimes=RUNTIMES)
    if published:
        return published["LayerVersionArn"]
    return f"arn:{partition(region)}:lambda:{region}:{deployer.account}:layer:{LAYER_NAME}:<next version>"

"""One Dask LocalCluster for the whole session: two worker processes on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.equality import one_and_four
from tests.conftest import CORPUS


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed", reason="the cluster extra is not installed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # another cluster may hold 8787
    )
    client = distributed.Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="session")
def plain_and_four(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """corpus/ in one unsharded index and in four shards (read only)."""
    return one_and_four(tmp_path_factory.mktemp("plain-and-four"), CORPUS)
